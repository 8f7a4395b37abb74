import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApplianceClientOptions, type Credentials, createApplianceClient } from '../../src/appliance/client.ts';
import type { LogItem } from '../../src/core/session-log.ts';
import { deadlineIn } from '../../src/deadline.ts';
import {
  type ApplianceEmulator,
  type ApplianceEmulatorOptions,
  type Fault,
  startApplianceEmulator,
} from '../../src/dev/appliance-emulator.ts';
import { generatedSample, sampleLog } from '../../src/dev/sample-sessions.ts';
import { SourceApiError } from '../../src/errors.ts';
import { createAgents, type HttpAgents } from '../../src/http/client.ts';
import { errorChain } from '../../src/http/retry.ts';
import type { LogSink } from '../../src/ports.ts';
import { recordingLog } from '../support/log.ts';
import { rejection } from '../support/rejection.ts';
import { selfSignedCertificate } from '../support/self-signed.ts';

const USERNAME = 'notifier';
const PASSWORD = 's3cret-Passw0rd!';
const STATIC_TOKEN = 'static-bearer-token-7f3a9c';
const PASSWORD_CREDENTIALS: Credentials = { kind: 'password', username: USERNAME, password: PASSWORD };

// Small delays keep the suite fast; the policy's shape (not its production numbers) is under test.
const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 };

interface Collected {
  readonly jobSessionId: string | null;
  readonly items: LogItem[];
}

const sinks: { created: number } = { created: 0 };
function collect(): LogSink<Collected> {
  sinks.created++;
  const items: LogItem[] = [];
  return { add: (item) => void items.push(item), finish: (jobSessionId) => ({ jobSessionId, items }) };
}

const failureOf = (promise: Promise<unknown>): Promise<SourceApiError> => rejection(promise, SourceApiError);

const agentSets: HttpAgents[] = [];
let emulator: ApplianceEmulator | undefined;

async function setup(
  emulatorOptions: ApplianceEmulatorOptions = {},
  clientOptions: Omit<Partial<ApplianceClientOptions>, 'credentials'> & { credentials?: Credentials } = {},
) {
  emulator = await startApplianceEmulator(emulatorOptions);
  const agents = createAgents();
  agentSets.push(agents);
  const { messages: warnings, log } = recordingLog();
  const { credentials = PASSWORD_CREDENTIALS, ...rest } = clientOptions;
  const client = createApplianceClient({
    baseUrl: emulator.url,
    apiVersion: 'v1',
    credentials: async () => credentials,
    agents,
    logger: log,
    perAttemptTimeoutMs: 2_000,
    retry: FAST_RETRY,
    ...rest,
  });
  return { emulator, client, warnings };
}

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  sinks.created = 0;
});

afterAll(async () => {
  for (const a of agentSets) {
    a.http.destroy();
    a.https.destroy();
  }
});

describe('createApplianceClient', () => {
  describe('with a username and password', () => {
    it('reads the documented session 38 and reuses the token for the next read', async () => {
      const { emulator, client } = await setup();

      const first = await client.readLog('38', deadlineIn(5_000), collect);
      const second = await client.readLog('38', deadlineIn(5_000), collect);

      expect(first).toEqual({ jobSessionId: '38', items: sampleLog('38').log });
      expect(second.items).toHaveLength(4);
      expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /api/oauth2/token',
        'GET /api/v1/jobSessions/38/log',
        'GET /api/v1/jobSessions/38/log',
      ]);
    });

    it('sends the documented password grant, form-encoded, and the token as a Bearer header', async () => {
      const { emulator, client } = await setup();

      await client.readLog('38', deadlineIn(5_000), collect);

      const [token, log] = emulator.requests;
      expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
        grant_type: 'Password',
        username: USERNAME,
        password: PASSWORD,
      });
      expect(log?.headers.authorization).toMatch(/^Bearer at-/);
      expect(log?.headers.accept).toBe('application/json');
    });

    it('shares one token request between concurrent reads of a cold client', async () => {
      const { emulator, client } = await setup();

      await Promise.all(['38', '77', '52'].map((id) => client.readLog(id, deadlineIn(5_000), collect)));

      expect(emulator.requestsTo('token')).toHaveLength(1);
    });

    it('renews the token with the refresh grant once it is within a minute of expiry', async () => {
      let clock = Date.now();
      const { emulator, client } = await setup({}, { now: () => clock });
      await client.readLog('38', deadlineIn(5_000), collect);

      clock += 3_600_000 - 59_000;
      await client.readLog('38', deadlineIn(5_000), collect);

      const grants = emulator.requestsTo('token').map((r) => new URLSearchParams(r.body).get('grant_type'));
      expect(grants).toEqual(['Password', 'Refresh_token']);
    });

    it('signs in again once with the refresh token after a 401 and repeats the read', async () => {
      const { emulator, client } = await setup();
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.revokeAccessTokens();
      emulator.reset();

      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
      expect(
        emulator.requests.map(
          (r) => `${r.route} ${r.route === 'token' ? new URLSearchParams(r.body).get('grant_type') : ''}`,
        ),
      ).toEqual(['log ', 'token Refresh_token', 'log ']);
    });

    it('falls back to the password grant when the refresh token is refused', async () => {
      const { emulator, client } = await setup();
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.reset();
      emulator.enqueueFaults('log', [{ status: 401 }]);
      emulator.enqueueFaults('token', [{ status: 400 }]);

      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
      const grants = emulator.requestsTo('token').map((r) => new URLSearchParams(r.body).get('grant_type'));
      expect(grants).toEqual(['Refresh_token', 'Password']);
    });

    it('fails as unauthorized when the log answers 401 even after signing in again', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('log', [{ status: 401 }, { status: 401 }]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('unauthorized');
      expect(error.statusCode).toBe(401);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('even right after signing in again: Unauthorized — Injected 401; check');
      expect(emulator.requestsTo('log')).toHaveLength(2);
      expect(emulator.requestsTo('token')).toHaveLength(2);
    });

    it('fails as auth-failed, naming the problem, when the password is wrong', async () => {
      const { emulator, client } = await setup(
        {},
        { credentials: { kind: 'password', username: USERNAME, password: 'not-the-password' } },
      );

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('auth-failed');
      expect(error.statusCode).toBe(400);
      expect(error.message).toContain('refused (400): Bad Request — The user name or password is incorrect');
      expect(emulator.requestsTo('token')).toHaveLength(1);
      expect(emulator.requestsTo('log')).toHaveLength(0);
    });

    it('fails as auth-failed with advice when the account has MFA enabled', async () => {
      const { emulator, client } = await setup({ mfa: true });

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('auth-failed');
      expect(error.message).toContain('MFA-enabled account is not supported; use a local account without MFA');
      expect(emulator.requestsTo('log')).toHaveLength(0);
    });

    it('fails as auth-failed with advice when the account signs in through an identity provider', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('token', [
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ access_token: null, userType: 'IdentityProvider', expires_in: 3600 }),
        },
      ]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('auth-failed');
      expect(error.message).toContain('identity-provider (SSO) account cannot use the password grant');
      expect(emulator.requestsTo('log')).toHaveLength(0);
    });

    it('retries a token endpoint that is briefly unavailable', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('token', [{ status: 503 }]);

      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
      expect(emulator.requestsTo('token')).toHaveLength(2);
    });
  });

  describe('with a static bearer token', () => {
    const credentials: Credentials = { kind: 'token', token: STATIC_TOKEN };

    it('sends the configured token and never asks for another', async () => {
      const { emulator, client } = await setup({ staticTokens: [STATIC_TOKEN] }, { credentials });

      const result = await client.readLog('77', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(6);
      expect(emulator.requestsTo('token')).toHaveLength(0);
      expect(emulator.requestsTo('log')[0]?.headers.authorization).toBe(`Bearer ${STATIC_TOKEN}`);
    });

    it('fails as unauthorized on a 401 without trying to sign in', async () => {
      const { emulator, client } = await setup({}, { credentials });

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('unauthorized');
      expect(error.message).toContain('rejected the configured bearer token (401): Unauthorized — ');
      expect(error.message).toContain('cannot be renewed');
      expect(emulator.requests.map((r) => r.route)).toEqual(['log']);
    });
  });

  describe('when the appliance refuses the request', () => {
    it.each<[string, Fault, string, RegExp]>([
      ['404', { status: 404 }, 'not-found', /session 38 was not found \(404\): Not Found/],
      [
        '403 for an unaccepted license agreement',
        { status: 403, body: { title: 'Forbidden', status: 403, licenseAgreementAcceptanceRequired: true } },
        'forbidden',
        /forbidden \(403\): Forbidden; .*licenseAgreementAcceptanceRequired/,
      ],
      ['403', { status: 403 }, 'forbidden', /Session Log permission/],
      [
        '400 with validation errors',
        { status: 400, body: { title: 'Bad Request', status: 400, errors: { sessionId: ['The value is invalid.'] } } },
        'bad-request',
        /rejected \(400\): Bad Request — sessionId: The value is invalid$/,
      ],
    ])('reports %s without retrying', async (_name, fault, failure, message) => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('log', [fault]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe(failure);
      expect(error.message).toMatch(message);
      expect(error.retryable).toBe(false);
      expect(emulator.requestsTo('log')).toHaveLength(1);
    });

    it('reports an unknown session as not found, as the documented message says', async () => {
      const { client } = await setup();

      const error = await failureOf(client.readLog('999', deadlineIn(5_000), collect));

      expect(error.failure).toBe('not-found');
      expect(error.statusCode).toBe(404);
      expect(error.message).toContain('session 999 was not found (404)');
    });

    it('flattens and shortens a hostile problem detail before quoting it', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('log', [{ status: 404, body: { title: 'Not\nFound\u0007', detail: 'x'.repeat(5000) } }]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.message).toContain('Not Found — ');
      expect(error.message).not.toContain('\n');
      expect(error.message).not.toContain(String.fromCharCode(7));
      expect(error.message.length).toBeLessThan(400);
    });
  });

  describe('when the appliance is briefly unavailable', () => {
    it.each<[string, Fault[]]>([
      ['a 500', [{ status: 500 }]],
      ['two 503s', [{ status: 503 }, { status: 503 }]],
      ['a 502 from a gateway', [{ status: 502, body: '<html>Bad Gateway</html>' }]],
      ['a dropped connection', [{ kind: 'destroy' }]],
      ['a body cut off mid-stream', [{ kind: 'cut' }]],
    ])('retries after %s and feeds each entry once', async (_name, faults) => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('log', faults);

      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
      expect(emulator.requestsTo('log')).toHaveLength(faults.length + 1);
      expect(sinks.created).toBe(1);
    });

    it("waits as long as a 429's Retry-After asks", async () => {
      const { emulator, client } = await setup();
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.enqueueFaults('log', [{ status: 429, headers: { 'retry-after': '1' } }]);

      const started = Date.now();
      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    });

    it('gives up at once when Retry-After asks for longer than the deadline allows', async () => {
      const { emulator, client } = await setup();
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.setFault('log', { status: 429, headers: { 'retry-after': '30' } });

      const started = Date.now();
      const error = await failureOf(client.readLog('38', deadlineIn(3_000), collect));

      expect(error.failure).toBe('unavailable');
      expect(error.statusCode).toBe(429);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('keeps retrying a 503 only while the deadline allows, then fails as unavailable', async () => {
      const { emulator, client, warnings } = await setup(
        {},
        { retry: { maxAttempts: 50, baseDelayMs: 20, maxDelayMs: 100 } },
      );
      emulator.setFault('log', { status: 503 });
      // Room for the token call and several attempts even on a loaded machine; the point is that it stops inside it.
      const budgetMs = 2_000;

      const started = Date.now();
      const error = await failureOf(client.readLog('38', deadlineIn(budgetMs), collect));

      expect(Date.now() - started).toBeLessThan(budgetMs);
      expect(error.failure).toBe('unavailable');
      expect(error.statusCode).toBe(503);
      expect(error.retryable).toBe(true);
      expect(emulator.requestsTo('log').length).toBeGreaterThan(3);
      expect(warnings.length).toBe(emulator.requestsTo('log').length - 1);
    });

    it('fails as timeout when the appliance never answers', async () => {
      const { emulator, client } = await setup(
        {},
        { perAttemptTimeoutMs: 150, retry: { ...FAST_RETRY, maxAttempts: 2 } },
      );
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.setFault('log', { kind: 'hang' });

      const started = Date.now();
      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('timeout');
      expect(error.retryable).toBe(true);
      expect(emulator.requestsTo('log')).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('cuts an attempt short at the deadline even when the attempt timeout is longer', async () => {
      const { emulator, client } = await setup({}, { perAttemptTimeoutMs: 10_000 });
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.setFault('log', { kind: 'hang' });

      const started = Date.now();
      const error = await failureOf(client.readLog('38', deadlineIn(400), collect));

      expect(error.failure).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(600);
    });

    it('fails as unavailable, after retrying, when nothing listens on the port', async () => {
      const port = await closedPort();
      const agents = createAgents();
      agentSets.push(agents);
      const { messages: warnings, log } = recordingLog();
      const client = createApplianceClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiVersion: 'v1',
        credentials: async () => ({ kind: 'token', token: STATIC_TOKEN }),
        agents,
        logger: log,
        retry: FAST_RETRY,
      });

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('unavailable');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('ECONNREFUSED');
      expect(warnings).toHaveLength(FAST_RETRY.maxAttempts - 1);
    });

    it('fails as budget-exhausted without a request when no time is left', async () => {
      const { emulator, client } = await setup();

      const error = await failureOf(client.readLog('38', deadlineIn(0), collect));

      expect(error.failure).toBe('budget-exhausted');
      expect(emulator.requests).toHaveLength(0);
    });
  });

  describe('when the appliance answers 200 with an unusable body', () => {
    it.each<[string, Fault, RegExp]>([
      ['an HTML login page', { kind: 'html' }, /expected JSON but got text\/html/],
      ['truncated JSON', { kind: 'truncated' }, /malformed or truncated JSON/],
      ['JSON of the wrong shape', { status: 200, body: { jobSessionId: '38', log: 'nope' } }, /unexpected shape/],
    ])('reports %s as invalid-response without retrying', async (_name, fault, message) => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('log', [fault]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('invalid-response');
      expect(error.message).toMatch(message);
      expect(error.retryable).toBe(false);
      expect(emulator.requestsTo('log')).toHaveLength(1);
      expect(sinks.created).toBe(0);
    });

    it('reports a token response without valid JSON as invalid-response', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('token', [{ kind: 'truncated' }]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.failure).toBe('invalid-response');
      expect(error.cause).toBeUndefined();
    });
  });

  describe('reading logs', () => {
    it('feeds nothing for an empty log and still finishes with its session ID', async () => {
      const { client } = await setup();

      const result = await client.readLog('60', deadlineIn(5_000), collect);

      expect(result).toEqual({ jobSessionId: '60', items: [] });
    });

    it('reads a 2,000-step log streamed in chunks', async () => {
      const { client } = await setup();

      const result = await client.readLog('90', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(2000);
      expect(result.items).toEqual(sampleLog('90').log);
    });
  });

  describe('request paths', () => {
    it('keeps a hostile session ID inside one URL-encoded path segment', async () => {
      const { emulator, client } = await setup();

      const error = await failureOf(client.readLog('../../oauth2/token?x=1#y', deadlineIn(5_000), collect));

      expect(error.failure).toBe('not-found');
      expect(emulator.requestsTo('log').map((r) => r.path)).toEqual([
        '/api/v1/jobSessions/..%2F..%2Foauth2%2Ftoken%3Fx%3D1%23y/log',
      ]);
    });

    it.each(['.', '..', ''])('refuses the session ID %j without a request', async (id) => {
      const { emulator, client } = await setup();

      const error = await failureOf(client.readLog(id, deadlineIn(5_000), collect));

      expect(error.failure).toBe('bad-request');
      expect(emulator.requests).toHaveLength(0);
    });

    it('puts the configured API version in the path and keeps a base-URL path prefix', async () => {
      const { emulator } = await setup();
      const agents = createAgents();
      agentSets.push(agents);
      const client = createApplianceClient({
        baseUrl: `${emulator.url}/`,
        apiVersion: 'v8.1',
        credentials: async () => PASSWORD_CREDENTIALS,
        agents,
      });

      await client.readLog('52', deadlineIn(5_000), collect);

      expect(emulator.requests.map((r) => r.path)).toEqual(['/api/oauth2/token', '/api/v8.1/jobSessions/52/log']);
    });
  });

  describe('secrets', () => {
    function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
      const texts = errorChain(error).flatMap((e) => (e instanceof Error ? [e.message, e.stack ?? ''] : [String(e)]));
      expect(texts.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        for (const text of texts) expect(text).not.toContain(secret);
      }
    }

    it('never quotes the password, even when the appliance echoes it back', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('token', [
        {
          status: 400,
          body: { title: 'Bad Request', detail: `Login failed for ${USERNAME} with password ${PASSWORD}` },
        },
      ]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.message).toContain('[redacted]');
      expectNoSecrets(error, [PASSWORD, encodeURIComponent(PASSWORD)]);
    });

    it('never quotes the access or refresh token after repeated 401s', async () => {
      const { emulator, client } = await setup();
      await client.readLog('38', deadlineIn(5_000), collect);
      emulator.setFault('log', { status: 401 });

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      const accessTokens = emulator.requestsTo('log').map((r) => (r.headers.authorization ?? '').slice(7));
      const refreshTokens = emulator
        .requestsTo('token')
        .flatMap((r) => new URLSearchParams(r.body).get('refresh_token') ?? []);
      expect(accessTokens.length).toBeGreaterThan(1);
      expect(refreshTokens).toHaveLength(1);
      expectNoSecrets(error, [PASSWORD, ...accessTokens, ...refreshTokens]);
    });

    it('never quotes a static token the appliance echoes in its problem detail', async () => {
      const { emulator, client } = await setup({}, { credentials: { kind: 'token', token: STATIC_TOKEN } });
      emulator.enqueueFaults('log', [
        { status: 401, body: { title: 'Unauthorized', detail: `Bearer ${STATIC_TOKEN} expired` } },
      ]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(error.message).toContain('Bearer [redacted] expired');
      expectNoSecrets(error, [STATIC_TOKEN]);
    });

    it('never quotes a token from a truncated token response', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('token', [{ kind: 'truncated' }]);

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(
        errorChain(error)
          .map((e) => (e instanceof Error ? e.message : ''))
          .join(' '),
      ).not.toMatch(/at-[\w-]{4}/);
    });
  });

  describe('over TLS with a self-signed certificate', () => {
    let tls: { key: string; cert: string };

    beforeAll(() => {
      tls = selfSignedCertificate();
    });

    it('refuses the untrusted certificate at once, pointing at BACKUP_API_CA_CERT', async () => {
      const { emulator, client, warnings } = await setup({ tls });

      const error = await failureOf(client.readLog('38', deadlineIn(5_000), collect));

      expect(emulator.url).toMatch(/^https:/);
      expect(error.failure).toBe('unavailable');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
      expect(error.message).toContain('BACKUP_API_CA_CERT');
      expect(error.cause).toBeInstanceOf(Error);
      expect(warnings).toHaveLength(0);
      expect(emulator.requests).toHaveLength(0);
    });

    it('reads the log when the certificate is trusted as a CA', async () => {
      const { client } = await setup({ tls }, { agents: tracked(createAgents({ caCertPem: tls.cert })) });

      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
    });

    it('reads the log with verification explicitly turned off', async () => {
      const { client } = await setup({ tls }, { agents: tracked(createAgents({ insecureTls: true })) });

      const result = await client.readLog('38', deadlineIn(5_000), collect);

      expect(result.items).toHaveLength(4);
    });
  });
});

function tracked(agents: HttpAgents): HttpAgents {
  agentSets.push(agents);
  return agents;
}

/** A port that was just free and now has no listener: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('createApplianceClient session reads', () => {
  it('gets one session with its policy name, reusing the token of a log read', async () => {
    const { emulator, client } = await setup();

    await client.readLog('77', deadlineIn(5_000), collect);
    const session = await client.getSession('77', deadlineIn(5_000));

    expect(session.backupJobInfo?.policyName).toBe('Nightly-Azure-VMs');
    expect(session.status).toBe('Error');
    expect(emulator.requestsTo('token')).toHaveLength(1);
    expect(emulator.requestsTo('session').map((r) => r.path)).toEqual(['/api/v1/jobSessions/77']);
  });

  it('reports an unknown session as not-found without retrying', async () => {
    const { emulator, client } = await setup();

    const error = await failureOf(client.getSession('999', deadlineIn(5_000)));

    expect(error.failure).toBe('not-found');
    expect(emulator.requestsTo('session')).toHaveLength(1);
  });

  it('lists sessions with case-sensitive, repeated query keys as the appliance expects', async () => {
    const { emulator, client } = await setup();

    const page = await client.listSessions(
      { Offset: 0, Limit: 2, Types: ['PolicyBackup', 'PolicySnapshot'] },
      deadlineIn(5_000),
    );

    expect(page.results?.length).toBeLessThanOrEqual(2);
    expect(page.totalCount).toBeGreaterThanOrEqual(page.results?.length ?? 0);
    expect(emulator.requestsTo('sessions')[0]?.path).toBe(
      '/api/v1/jobSessions?Offset=0&Limit=2&Types=PolicyBackup&Types=PolicySnapshot',
    );
  });

  describe('when the log is large enough to stream into the sink', () => {
    // ~1.1 MB of JSON: past the 256 KB the client holds back, so entries reach the sink while the body still arrives.
    const big = generatedSample('4242', 5_000, 7);

    it('feeds every entry once, in order, with the session ID', async () => {
      const { client } = await setup({ sessions: [big] });

      const result = await client.readLog('4242', deadlineIn(10_000), collect);

      expect(result.items).toEqual(Array.from(big.logItems()));
      expect(result.jobSessionId).toBe('4242');
      expect(sinks.created).toBe(1);
    });

    it('gives the retry a fresh sink when the body is cut after entries were fed', async () => {
      const { emulator, client } = await setup({ sessions: [big] });
      emulator.enqueueFaults('log', [{ kind: 'cut' }]);

      const result = await client.readLog('4242', deadlineIn(10_000), collect);

      expect(result.items).toHaveLength(5_000);
      expect(sinks.created).toBe(2);
      expect(emulator.requestsTo('log')).toHaveLength(2);
    });
  });
});
