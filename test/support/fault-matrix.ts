import { errorChain } from '../../src/http/retry.ts';
import { type Harness, PASSWORD, SIGNING_SECRET } from './harness.ts';

/** What one fault must lead to: what is posted, what the invocation returns or throws, and what is logged. */
export interface FaultRow {
  readonly name: string;
  /** Configuration changes for this row (e.g. a short HTTP timeout). */
  readonly env?: Record<string, string | undefined>;
  /** The invocation's whole time budget (ms); the default leaves room for every retry. */
  readonly budgetMs?: number;
  readonly arrange?: (h: Harness) => void;
  /** Messages accepted per destination. */
  readonly posted: { readonly slack: number; readonly teams: number };
  /** Requests each destination received (retries included); defaults to `posted`. */
  readonly requests?: {
    readonly slack?: number;
    readonly teams?: number;
    readonly log?: number;
    readonly token?: number;
  };
  /** The invocation resolves with this (partial) result … */
  readonly result?: Record<string, unknown>;
  /** … or rejects with this. */
  readonly thrown?: {
    readonly name: string;
    readonly code: string;
    readonly retryable: boolean;
    readonly message: RegExp;
  };
  /** Text every posted message contains (the alert's wording). */
  readonly says?: RegExp;
  /** Messages of log lines that must appear. */
  readonly logs: readonly string[];
  /** At least this long (ms), e.g. a Retry-After honoured. */
  readonly minDurationMs?: number;
}

const SESSION = '38';

/** Appliance faults (on the log or token route) and webhook faults, one row each, with their defined outcome. */
export const FAULT_ROWS: readonly FaultRow[] = [
  {
    name: 'appliance 401 then success',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 401 }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 2, token: 2 },
    result: { outcome: 'succeeded', delivered: ['slack', 'teams'] },
    logs: ['backup appliance rejected the access token (401); signing in again once', 'notification sent'],
  },
  {
    name: 'appliance 401 twice',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 401 }, { status: 401 }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 2, token: 2 },
    result: { outcome: 'unreadable', problem: { failure: 'auth-failed', statusCode: 401 } },
    says: /even right after signing in again/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance 403',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 403 }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'forbidden', statusCode: 403 } },
    says: /forbidden \(403\)/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance 404',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 404 }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'not-found', statusCode: 404 } },
    says: /session 38 was not found \(404\)/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance 429 with Retry-After: 1',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 429, headers: { 'retry-after': '1' } }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 2 },
    result: { outcome: 'succeeded' },
    logs: ['backup appliance call failed; retrying', 'notification sent'],
    minDurationMs: 950,
  },
  {
    name: 'appliance 500, 503, then success',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 500 }, { status: 503 }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 3 },
    result: { outcome: 'succeeded' },
    logs: ['backup appliance call failed; retrying', 'notification sent'],
  },
  {
    name: 'appliance 503 forever',
    arrange: (h) => h.emulator.setFault('log', { status: 503 }),
    posted: { slack: 0, teams: 0 },
    requests: { log: 3 },
    thrown: { name: 'SourceApiError', code: 'SOURCE_UNAVAILABLE', retryable: true, message: /failed with 503/ },
    logs: ['backup appliance call failed; retrying', 'notification failed'],
  },
  {
    name: 'appliance timeout (never answers; 300 ms per attempt)',
    env: { NOTIFIER_HTTP_TIMEOUT_MS: '300' },
    arrange: (h) => h.emulator.setFault('log', { kind: 'hang' }),
    posted: { slack: 0, teams: 0 },
    requests: { log: 3 },
    thrown: { name: 'SourceApiError', code: 'SOURCE_TIMEOUT', retryable: true, message: /no complete answer in time/ },
    logs: ['backup appliance call failed; retrying', 'notification failed'],
  },
  {
    name: 'appliance slower than the whole budget (2.5 s invocation, 1.5 s margin)',
    budgetMs: 2_500,
    arrange: (h) => h.emulator.setFault('log', { kind: 'hang' }),
    posted: { slack: 0, teams: 0 },
    requests: { log: 1 },
    thrown: { name: 'SourceApiError', code: 'SOURCE_TIMEOUT', retryable: true, message: /no complete answer in time/ },
    logs: ['notification failed'],
  },
  {
    name: 'appliance connection refused',
    env: { BACKUP_API_URL: 'http://127.0.0.1:9' },
    posted: { slack: 0, teams: 0 },
    thrown: { name: 'SourceApiError', code: 'SOURCE_UNAVAILABLE', retryable: true, message: /ECONNREFUSED/ },
    logs: ['backup appliance call failed; retrying', 'notification failed'],
  },
  {
    name: 'appliance HTML instead of JSON',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ kind: 'html' }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'invalid-response' } },
    says: /expected JSON but got text\/html/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance truncated JSON',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ kind: 'truncated' }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'invalid-response' } },
    says: /malformed or truncated JSON/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance log nested 5 million levels deep (10 MB)',
    arrange: (h) =>
      h.emulator.enqueueFaults('log', [
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: `{"log":[${'['.repeat(5_000_000)}${']'.repeat(5_000_000)}]}`,
        },
      ]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'invalid-response' } },
    says: /not a valid session log/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance 404 names the requested path',
    arrange: (h) => h.emulator.enqueueFaults('log', [{ status: 404 }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'not-found' } },
    says: /requested GET \/api\/v1\/jobSessions\/38\/log/,
    logs: ['notification sent'],
  },
  {
    name: 'appliance token response without access_token (MFA)',
    arrange: (h) => h.emulator.enqueueFaults('token', [{ kind: 'mfa' }]),
    posted: { slack: 1, teams: 1 },
    requests: { log: 0, token: 1 },
    result: { outcome: 'unreadable', problem: { failure: 'auth-failed', statusCode: 200 } },
    says: /MFA-enabled account is not supported/,
    logs: ['notification sent'],
  },
  {
    name: 'Slack 429 with Retry-After: 1',
    arrange: (h) => h.sink.enqueue('slack', { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }),
    posted: { slack: 1, teams: 1 },
    requests: { slack: 2 },
    result: { outcome: 'succeeded', delivered: ['slack', 'teams'] },
    logs: ['webhook post failed; retrying', 'notification sent'],
    minDurationMs: 950,
  },
  {
    name: 'Teams 429 with Retry-After: 1',
    arrange: (h) => h.sink.enqueue('teams', { status: 429, headers: { 'retry-after': '1' } }),
    posted: { slack: 1, teams: 1 },
    requests: { teams: 2 },
    result: { outcome: 'succeeded', delivered: ['slack', 'teams'] },
    logs: ['webhook post failed; retrying', 'notification sent'],
    minDurationMs: 950,
  },
  {
    name: 'Slack 500 then success',
    arrange: (h) => h.sink.enqueue('slack', { status: 500 }),
    posted: { slack: 1, teams: 1 },
    requests: { slack: 2 },
    result: { delivered: ['slack', 'teams'] },
    logs: ['webhook post failed; retrying', 'notification sent'],
  },
  {
    name: 'Teams timeout (no answer; 300 ms per attempt) then success',
    env: { NOTIFIER_HTTP_TIMEOUT_MS: '300' },
    arrange: (h) => h.sink.enqueue('teams', { hang: true }),
    posted: { slack: 1, teams: 1 },
    requests: { teams: 2 },
    result: { delivered: ['slack', 'teams'] },
    logs: ['webhook post failed; retrying', 'notification sent'],
  },
  {
    name: 'Slack times out on every attempt',
    env: { NOTIFIER_HTTP_TIMEOUT_MS: '300' },
    arrange: (h) => h.sink.enqueue('slack', { hang: true }, { hang: true }, { hang: true }),
    posted: { slack: 0, teams: 1 },
    requests: { slack: 3 },
    thrown: {
      name: 'NotifierError',
      code: 'DELIVERY_TRANSIENT',
      retryable: true,
      message: /slack .*could not be reached/,
    },
    logs: ['webhook post failed; retrying', 'notification failed'],
  },
  {
    name: 'Slack slower than the whole budget (3 s Lambda, 1.5 s margin)',
    budgetMs: 3_000,
    arrange: (h) => h.sink.enqueue('slack', { hang: true }),
    posted: { slack: 0, teams: 1 },
    requests: { slack: 1 },
    thrown: {
      name: 'NotifierError',
      code: 'DELIVERY_TRANSIENT',
      retryable: true,
      message: /slack .*could not be reached/,
    },
    logs: ['notification failed'],
  },
  {
    name: 'Slack 404 no_service (revoked)',
    arrange: (h) => h.sink.enqueue('slack', { status: 404, body: 'no_service' }),
    posted: { slack: 0, teams: 1 },
    requests: { slack: 1 },
    thrown: { name: 'NotifierError', code: 'DELIVERY_REJECTED', retryable: false, message: /slack .*no_service/ },
    logs: ['notification failed'],
  },
  {
    name: 'Slack 404 echoing its webhook path',
    arrange: (h) =>
      h.sink.enqueue('slack', {
        status: 404,
        body: `no_service: no webhook at ${new URL(h.sink.urlFor('slack')).pathname}`,
      }),
    posted: { slack: 0, teams: 1 },
    requests: { slack: 1 },
    thrown: { name: 'NotifierError', code: 'DELIVERY_REJECTED', retryable: false, message: /slack .*no_service/ },
    logs: ['notification failed'],
  },
  {
    name: 'Teams 400 quoting its whole URL',
    arrange: (h) => h.sink.enqueue('teams', { status: 400, body: `Bad request to ${h.sink.urlFor('teams')}` }),
    posted: { slack: 1, teams: 0 },
    requests: { teams: 1 },
    thrown: { name: 'NotifierError', code: 'DELIVERY_REJECTED', retryable: false, message: /teams .*400/ },
    logs: ['notification failed'],
  },
  {
    name: 'Slack 410 (channel archived)',
    arrange: (h) => h.sink.enqueue('slack', { status: 410, body: 'channel_is_archived' }),
    posted: { slack: 0, teams: 1 },
    requests: { slack: 1 },
    thrown: { name: 'NotifierError', code: 'DELIVERY_REJECTED', retryable: false, message: /slack .*410/ },
    logs: ['notification failed'],
  },
  {
    name: 'Teams 404 (workflow deleted)',
    arrange: (h) => h.sink.enqueue('teams', { status: 404 }),
    posted: { slack: 1, teams: 0 },
    requests: { teams: 1 },
    thrown: { name: 'NotifierError', code: 'DELIVERY_REJECTED', retryable: false, message: /teams .*404/ },
    logs: ['notification failed'],
  },
];

export { SESSION as FAULT_SESSION };

/** The JSON log lines captured by the harness. */
export function logLines(h: Harness): Record<string, unknown>[] {
  return h.output
    .join('')
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Every secret the harness's processes have seen: password, signing secret, access and refresh tokens, webhook URLs. */
export function secretsOf(h: Harness): string[] {
  const secrets = new Set<string>([PASSWORD, SIGNING_SECRET]);
  for (const name of ['slack', 'teams']) {
    const url = h.sink.urlFor(name);
    secrets.add(url);
    secrets.add(new URL(url).pathname);
    // Each secret-looking part on its own: a service may echo just the token segment.
    for (const part of new URL(url).pathname.split('/')) if (part.length >= 8) secrets.add(part);
  }
  secrets.add('T0SECRET/B0SECRET');
  for (const request of h.emulator.requests) {
    const bearer = /^Bearer\s+(\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) secrets.add(bearer);
    const refresh = new URLSearchParams(request.body).get('refresh_token');
    if (refresh) secrets.add(refresh);
  }
  return [...secrets];
}

/** Where a secret could leak: every log line, and every message and stack in a thrown error's cause chain. */
export function exposedText(h: Harness, thrown: unknown): string {
  const errors = errorChain(thrown).map((e) => (e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)));
  return [h.output.join(''), ...errors].join('\n');
}

/** Issued tokens look like at-… / rt-… (24 base64url characters): none may appear in any text, known or not. */
export const TOKEN_SHAPE = /\b(?:at|rt)-[\w-]{24}\b/;
