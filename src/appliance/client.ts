import type { IncomingHttpHeaders } from 'node:http';
import * as z from 'zod/mini';
import {
  type JobSession,
  type JobSessionPage,
  JobSessionPageSchema,
  type JobSessionQuery,
  JobSessionSchema,
} from '../core/job-session.ts';
import type { LogItem } from '../core/session-log.ts';
import { ConfigError, NotifierError, SourceApiError } from '../errors.ts';
import { BodyTooLargeError, type HttpAgents, type HttpResponse, httpRequest } from '../http/client.ts';
import {
  type Attempt,
  isTimeoutError,
  isTransientNetworkError,
  isTransientStatus,
  RETRY_DEFAULTS,
  type RetryVerdict,
  tlsCertificateErrorCode,
  withRetry,
} from '../http/retry.ts';
import type { Deadline, LogSink, SessionLogSource } from '../ports.ts';
import { registerSecret } from '../redact.ts';
import { createLogStreamParser, LogShapeError, LogSyntaxError } from './log-stream.ts';

/*
 * Why our own withRetry loop rather than undici's RetryAgent/RetryHandler (undici 7.30, lib/handler/retry-handler.js):
 * its `retry` callback can refuse a sleep that overruns the deadline, but it re-dispatches the same frozen options,
 * so (1) the 401 re-authentication cannot swap the Authorization header between attempts, (2) each attempt cannot get
 * a timeout shrunk to the remaining budget, and (3) a body cut mid-stream is "resumed" with a Range request the
 * appliance does not support. The same loop also serves the webhook POSTs, which RetryHandler skips by default.
 */

/** How the notifier signs in: a static bearer token, or a local (non-MFA) account for the password grant. */
export type Credentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'password'; readonly username: string; readonly password: string };

/** The slice of a logger the client uses (Powertools Logger fits); messages never carry secrets. */
export interface ApplianceLogger {
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Options of createApplianceClient; `agents` and the retry knobs are for tests and tuning. */
export interface ApplianceClientOptions {
  /** `https://host[:port][/prefix]`, without `/api`. */
  readonly baseUrl: string;
  /** Path version segment, e.g. "v1" or "v8.1". */
  readonly apiVersion: string;
  readonly credentials: () => Promise<Credentials>;
  /** Keep-alive agents carrying the appliance's TLS trust (see createAgents); a shared default otherwise. */
  readonly agents?: HttpAgents | undefined;
  readonly logger?: ApplianceLogger | undefined;
  readonly perAttemptTimeoutMs?: number | undefined;
  readonly retry?: { readonly maxAttempts?: number; readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** Clock for token expiry; injectable so tests can age a token. */
  readonly now?: () => number;
}

/**
 * The token endpoint's answer (backup-api.md §1 `Login`); every field is nullable there.
 * @example { "access_token": "eyJ…", "token_type": "bearer", "refresh_token": "…", "expires_in": 3600 }
 */
const TokenResponseSchema = z.looseObject({
  access_token: z.nullish(z.string()),
  refresh_token: z.nullish(z.string()),
  expires_in: z.nullish(z.number()),
  mfa_enabled: z.nullish(z.boolean()),
  userType: z.nullish(z.string()),
});

/**
 * RFC 7807 problem details as the appliance sends them (backup-api.md §4).
 * @example { "type": "…", "title": "Not Found", "status": 404, "detail": "…", "traceId": "…" }
 */
const ProblemSchema = z.looseObject({
  title: z.optional(z.unknown()),
  detail: z.optional(z.unknown()),
  errors: z.optional(z.unknown()),
  licenseAgreementAcceptanceRequired: z.optional(z.unknown()),
});

// Without expires_in the token's life is unknown: assume the shortest documented one (15 min, VBR).
const ASSUMED_TOKEN_LIFETIME_MS = 15 * 60_000;
// Renew this long before expiry so a token cannot lapse between the check and the appliance reading it.
const EXPIRY_MARGIN_MS = 60_000;
const MAX_SURFACED_CHARS = 200;
// A 100k-step log is ~20 MB; anything far beyond that is not a session log.
const MAX_BODY_BYTES = 64 * 1024 * 1024;
// Log entries (as JSON text) held back until the body has proven good; past this they stream into the sink.
const SINK_AFTER_CHARS = 256 * 1024;

interface IssuedToken {
  readonly username: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly renewAt: number;
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

// Failures keep the server's Retry-After and problem text beside them without widening SourceApiError.
const retryAfterOf = new WeakMap<object, string | readonly string[]>();
const problemOf = new WeakMap<object, string>();

/** The appliance API as the notifier uses it: a session's log, the session itself, and the session list. */
export interface ApplianceClient extends SessionLogSource {
  /** `GET /api/{version}/jobSessions/{id}`: the policy name, type, times and overall status. */
  getSession(sessionId: string, deadline: Deadline): Promise<JobSession>;
  /** `GET /api/{version}/jobSessions?…`: one page, as the server paged it. */
  listSessions(query: JobSessionQuery, deadline: Deadline): Promise<JobSessionPage>;
}

/** An ApplianceClient over the REST API: password/refresh/static-token auth, the shared retry policy, typed failures. */
export function createApplianceClient(options: ApplianceClientOptions): ApplianceClient {
  const base = parseBaseUrl(options.baseUrl);
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/+$/, '');
  const tokenPath = `${prefix}/api/oauth2/token`;
  const versionSegment = encodeURIComponent(options.apiVersion);
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const secrets = new Set<string>();
  let cached: IssuedToken | undefined;
  let pending: Promise<IssuedToken> | undefined;

  const remember = (secret: string | undefined): void => {
    if (secret === undefined || secret.length < 4) return;
    secrets.add(secret);
    registerSecret(secret);
  };

  /** Server-supplied text made safe for a message: secrets removed, control characters flattened, length capped. */
  const clean = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    let text = value;
    for (const secret of secrets) {
      for (const form of [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]) {
        text = text.replaceAll(form, '[redacted]');
      }
    }
    text = text
      .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text === '') return undefined;
    return text.length > MAX_SURFACED_CHARS ? `${text.slice(0, MAX_SURFACED_CHARS)}…` : text;
  };

  const problemText = (reply: Reply): string => {
    const problem = ProblemSchema.safeParse(tryJson(reply.text));
    if (!problem.success) return '';
    const { title, detail, errors } = problem.data;
    const firstError =
      typeof errors === 'object' && errors !== null
        ? Object.entries(errors)
            .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`)
            .at(0)
        : undefined;
    // Trailing periods dropped: the text is spliced mid-sentence.
    const parts = [clean(title), clean(detail), clean(firstError)]
      .filter((p) => p !== undefined)
      .map((p) => p.replace(/\.+$/, ''));
    return parts.length === 0 ? '' : `: ${parts.join(' — ')}`;
  };

  const retryOptions = (deadline: Deadline, what: string) => ({
    deadline,
    maxAttempts: options.retry?.maxAttempts ?? RETRY_DEFAULTS.maxAttempts,
    baseDelayMs: options.retry?.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: options.retry?.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
    perAttemptTimeoutMs: options.perAttemptTimeoutMs ?? RETRY_DEFAULTS.perAttemptTimeoutMs,
    classify,
    target: 'appliance',
    onBudgetExhausted: () =>
      new SourceApiError('budget-exhausted', `backup appliance: no time left to ${what}`, { retryable: true }),
    onRetry: ({ attempt, delayMs, error }: { attempt: number; delayMs: number; error: unknown }) =>
      logger?.warn('backup appliance call failed; retrying', {
        what,
        attempt,
        delayMs,
        failure: error instanceof SourceApiError ? error.failure : undefined,
        statusCode: error instanceof SourceApiError ? error.statusCode : undefined,
        reason: error instanceof Error ? error.message : undefined,
      }),
  });

  /** Sends one request and returns once the headers are in; network failures become SourceApiError. */
  const open = async (
    request: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
    attempt: Attempt,
    what: string,
  ): Promise<HttpResponse> => {
    try {
      return await httpRequest(new URL(request.path, origin), {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        timeoutMs: attempt.timeoutMs,
        signal: attempt.signal,
        agents: options.agents,
      });
    } catch (error) {
      throw networkFailure(error, what, origin);
    }
  };

  /** Reads a response's whole body (so the socket returns to the pool); a failure mid-body becomes SourceApiError. */
  const readReply = async (response: HttpResponse, what: string): Promise<Reply> => {
    try {
      const text = await response.text(MAX_BODY_BYTES);
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      throw networkFailure(error, what, origin);
    }
  };

  /** One HTTP exchange with the whole body read. */
  const send = async (
    request: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
    attempt: Attempt,
    what: string,
  ): Promise<Reply> => readReply(await open(request, attempt, what), what);

  const transientStatus = (reply: Reply, what: string): SourceApiError => {
    const error = new SourceApiError(
      'unavailable',
      `backup appliance: ${what} failed with ${reply.status}${problemText(reply)}`,
      { statusCode: reply.status, retryable: true },
    );
    const retryAfter = reply.headers['retry-after'];
    if (retryAfter !== undefined) retryAfterOf.set(error, retryAfter);
    return error;
  };

  const requestToken = async (form: URLSearchParams, grant: string, deadline: Deadline): Promise<IssuedToken> => {
    const what = `sign in (${grant} grant)`;
    const username = form.get('username') ?? cached?.username ?? '';
    const reply = await withRetry(
      async (attempt) => {
        const answer = await send(
          {
            method: 'POST',
            path: tokenPath,
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
          },
          attempt,
          what,
        );
        if (isTransientStatus(answer.status)) throw transientStatus(answer, what);
        return answer;
      },
      retryOptions(deadline, what),
    );

    if (reply.status !== 200) {
      throw new SourceApiError(
        'auth-failed',
        `backup appliance: ${what} was refused (${reply.status})${problemText(reply)}`,
        {
          statusCode: reply.status,
        },
      );
    }
    // No cause: a JSON or schema error could quote the body, and this body carries tokens.
    const parsed = TokenResponseSchema.safeParse(tryJson(reply.text));
    if (!parsed.success) {
      throw new SourceApiError(
        'invalid-response',
        `backup appliance: ${what} answered 200 without a valid JSON token`,
        {
          statusCode: 200,
        },
      );
    }
    const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, mfa_enabled } = parsed.data;
    if (!accessToken) {
      const mfa = mfa_enabled === true || expiresIn === 0;
      // Identity-provider (SSO) users sign in through SAML flows a non-interactive Lambda cannot complete.
      const sso = parsed.data.userType === 'IdentityProvider';
      throw new SourceApiError(
        'auth-failed',
        mfa
          ? 'backup appliance: sign-in needs a second factor: an MFA-enabled account is not supported; use a local account without MFA (the Read-Only User role is enough)'
          : sso
            ? 'backup appliance: an identity-provider (SSO) account cannot use the password grant; use a local (Internal) account'
            : 'backup appliance: the token response carried no access_token',
        { statusCode: 200 },
      );
    }
    remember(accessToken);
    remember(refreshToken ?? undefined);
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : ASSUMED_TOKEN_LIFETIME_MS;
    return {
      username,
      accessToken,
      refreshToken: refreshToken ?? undefined,
      renewAt: now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2),
    };
  };

  const passwordGrant = (credentials: PasswordCredentials, deadline: Deadline): Promise<IssuedToken> =>
    requestToken(
      new URLSearchParams({ grant_type: 'Password', username: credentials.username, password: credentials.password }),
      'password',
      deadline,
    );

  /** A fresh token: the refresh grant when one was issued, falling back to the password grant if it is refused. */
  const renew = async (credentials: PasswordCredentials, deadline: Deadline): Promise<IssuedToken> => {
    const refreshToken = cached?.username === credentials.username ? cached.refreshToken : undefined;
    if (refreshToken === undefined) return passwordGrant(credentials, deadline);
    try {
      return await requestToken(
        new URLSearchParams({ grant_type: 'Refresh_token', refresh_token: refreshToken }),
        'refresh-token',
        deadline,
      );
    } catch (error) {
      if (!(error instanceof SourceApiError) || !['auth-failed', 'invalid-response'].includes(error.failure))
        throw error;
      logger?.warn('backup appliance refused the refresh token; signing in with the password', {
        reason: error.message,
      });
      return passwordGrant(credentials, deadline);
    }
  };

  /** The cached token, or one new token request shared by concurrent callers; `stale` forces renewal of that token. */
  const tokenFor = (credentials: PasswordCredentials, deadline: Deadline, stale?: string): Promise<IssuedToken> => {
    const current = cached;
    if (
      current !== undefined &&
      current.username === credentials.username &&
      current.accessToken !== stale &&
      now() < current.renewAt
    ) {
      return Promise.resolve(current);
    }
    pending ??= renew(credentials, deadline)
      .then((issued) => {
        cached = issued;
        return issued;
      })
      .catch((error: unknown) => {
        cached = undefined;
        throw error;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const readOnce = async <T>(
    sessionId: string,
    path: string,
    accessToken: string,
    attempt: Attempt,
    createSink: () => LogSink<T>,
  ): Promise<T> => {
    const what = `reading the log of session ${sessionId}`;
    const response = await open(
      { method: 'GET', path, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
      attempt,
      what,
    );
    if (response.status !== 200) throw logStatusFailure(await readReply(response, what), sessionId, what);

    const contentType = headerText(response.headers['content-type']);
    if (contentType !== undefined && !/json/i.test(contentType)) {
      response.dump();
      throw new SourceApiError(
        'invalid-response',
        `backup appliance: ${what}: expected JSON but got ${clean(contentType.split(';')[0]) ?? 'another type'} (a proxy or login page in the way?)`,
        { statusCode: 200 },
      );
    }
    // Streamed: entries reach this attempt's own sink as they arrive, so a 100k-entry log never sits in memory whole.
    // The first SINK_AFTER_CHARS of entries wait for the body to prove good, so a small log that is cut short or
    // malformed never opens a sink, and a retried attempt over a small log uses exactly one.
    let sink: LogSink<T> | undefined;
    let held: LogItem[] = [];
    let heldChars = 0;
    const parser = createLogStreamParser((item, chars) => {
      if (sink !== undefined) {
        sink.add(item);
        return;
      }
      held.push(item);
      heldChars += chars;
      if (heldChars > SINK_AFTER_CHARS) {
        sink = createSink();
        for (const early of held) sink.add(early);
        held = [];
      }
    });
    let jobSessionId: string | null;
    try {
      await readBody(response, (chunk) => parser.write(chunk));
      jobSessionId = parser.end().jobSessionId;
    } catch (error) {
      if (error instanceof LogSyntaxError || error instanceof LogShapeError) {
        throw new SourceApiError(
          'invalid-response',
          `backup appliance: ${what}: the body is not a valid session log (${error instanceof SyntaxError ? 'malformed or truncated JSON' : 'unexpected shape'})`,
          { statusCode: 200, cause: error },
        );
      }
      throw networkFailure(error, what, origin);
    }
    if (sink === undefined) {
      sink = createSink();
      for (const item of held) sink.add(item);
    }
    return sink.finish(jobSessionId);
  };

  const logStatusFailure = (reply: Reply, sessionId: string, what: string): SourceApiError => {
    const { status } = reply;
    const detail = problemText(reply);
    if (isTransientStatus(status)) return transientStatus(reply, what);
    if (status === 401) {
      const error = new SourceApiError('unauthorized', `backup appliance rejected the access token (401)${detail}`, {
        statusCode: status,
      });
      problemOf.set(error, detail);
      return error;
    }
    if (status === 404) {
      return new SourceApiError('not-found', `backup appliance: session ${sessionId} was not found (404)${detail}`, {
        statusCode: status,
      });
    }
    if (status === 403) {
      const eula =
        ProblemSchema.safeParse(tryJson(reply.text)).data?.licenseAgreementAcceptanceRequired === true
          ? '; the appliance requires its license agreement to be accepted (licenseAgreementAcceptanceRequired) — sign in to its web UI once and accept it'
          : '; the account may lack the Session Log permission (Read-Only User is enough)';
      return new SourceApiError(
        'forbidden',
        `backup appliance: access to the log of session ${sessionId} is forbidden (403)${detail}${eula}`,
        { statusCode: status },
      );
    }
    if (status >= 400 && status < 500) {
      return new SourceApiError('bad-request', `backup appliance: ${what} was rejected (${status})${detail}`, {
        statusCode: status,
      });
    }
    return new SourceApiError(
      'invalid-response',
      `backup appliance: ${what} answered an unexpected ${status}${detail}`,
      {
        statusCode: status,
        retryable: false,
      },
    );
  };

  const sessionPath = (sessionId: string) =>
    `${prefix}/api/${versionSegment}/jobSessions/${encodeURIComponent(sessionId)}`;

  /** GETs JSON with a bearer token and validates it; any non-200 becomes a typed failure. */
  const getJsonOnce = async <T>(
    path: string,
    accessToken: string,
    attempt: Attempt,
    what: string,
    sessionId: string,
    parse: (body: unknown) => T,
  ): Promise<T> => {
    const reply = await send(
      { method: 'GET', path, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
      attempt,
      what,
    );
    if (reply.status !== 200) throw logStatusFailure(reply, sessionId, what);
    try {
      return parse(JSON.parse(reply.text));
    } catch (error) {
      throw new SourceApiError(
        'invalid-response',
        `backup appliance: ${what}: the body is not valid (${error instanceof SyntaxError ? 'malformed or truncated JSON' : 'unexpected shape'})`,
        { statusCode: 200, cause: error },
      );
    }
  };

  /**
   * Runs `call` with a valid access token: a static token as is; a password account's cached token, with exactly one
   * re-authentication and one more call after a 401 (a second 401 means the account itself lacks access).
   */
  const authorized = async <T>(deadline: Deadline, call: (accessToken: string) => Promise<T>): Promise<T> => {
    const credentials = await options.credentials();
    if (credentials.kind === 'token') {
      remember(credentials.token);
      try {
        return await call(credentials.token);
      } catch (error) {
        if (isUnauthorized(error)) {
          throw new SourceApiError(
            'unauthorized',
            `backup appliance rejected the configured bearer token (401)${problemOf.get(error) ?? ''}; a static token cannot be renewed: replace it, or configure a username and password`,
            { statusCode: 401, cause: error },
          );
        }
        throw error;
      }
    }

    remember(credentials.password);
    const first = await tokenFor(credentials, deadline);
    try {
      return await call(first.accessToken);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      logger?.warn('backup appliance rejected the access token (401); signing in again once');
    }
    const second = await tokenFor(credentials, deadline, first.accessToken);
    try {
      return await call(second.accessToken);
    } catch (error) {
      if (isUnauthorized(error)) {
        throw new SourceApiError(
          'unauthorized',
          `backup appliance rejected the access token (401) even right after signing in again${problemOf.get(error) ?? ''}; check that the account is a local account whose role may read session logs`,
          { statusCode: 401, cause: error },
        );
      }
      throw error;
    }
  };

  const checkId = (sessionId: string): void => {
    // encodeURIComponent leaves "." alone, and a "." or ".." segment would be resolved away by URL normalisation.
    if (sessionId === '' || sessionId === '.' || sessionId === '..') {
      throw new SourceApiError('bad-request', `backup appliance: "${clean(sessionId) ?? ''}" is not a session ID`);
    }
  };

  return {
    async readLog<T>(sessionId: string, deadline: Deadline, createSink: () => LogSink<T>): Promise<T> {
      checkId(sessionId);
      const path = `${sessionPath(sessionId)}/log`;
      const what = `read the log of session ${sessionId}`;
      return authorized(deadline, (token) =>
        withRetry((attempt) => readOnce(sessionId, path, token, attempt, createSink), retryOptions(deadline, what)),
      );
    },

    async getSession(sessionId, deadline) {
      checkId(sessionId);
      const what = `read session ${sessionId}`;
      return authorized(deadline, (token) =>
        withRetry(
          (attempt) =>
            getJsonOnce(sessionPath(sessionId), token, attempt, what, sessionId, (b) => JobSessionSchema.parse(b)),
          retryOptions(deadline, what),
        ),
      );
    },

    async listSessions(query, deadline) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) params.append(key, String(v));
      }
      const path = `${prefix}/api/${versionSegment}/jobSessions${params.size > 0 ? `?${params}` : ''}`;
      const what = 'list job sessions';
      return authorized(deadline, (token) =>
        withRetry(
          (attempt) => getJsonOnce(path, token, attempt, what, '(list)', (b) => JobSessionPageSchema.parse(b)),
          retryOptions(deadline, what),
        ),
      );
    },
  };
}

type PasswordCredentials = Extract<Credentials, { kind: 'password' }>;

function classify(error: unknown): RetryVerdict {
  if (!(error instanceof NotifierError) || !error.retryable) return { transient: false };
  return { transient: true, retryAfter: retryAfterOf.get(error) };
}

function isUnauthorized(error: unknown): error is SourceApiError {
  return error instanceof SourceApiError && error.failure === 'unauthorized';
}

function networkFailure(error: unknown, what: string, origin: string): SourceApiError {
  if (error instanceof SourceApiError) return error;
  const certificateCode = tlsCertificateErrorCode(error);
  if (certificateCode !== undefined) {
    return new SourceApiError(
      'unavailable',
      `backup appliance: ${what}: the TLS certificate of ${origin} is not trusted (${certificateCode}); set BACKUP_API_CA_CERT to the appliance's CA certificate (PEM)`,
      { cause: error, retryable: false },
    );
  }
  if (isTimeoutError(error)) {
    return new SourceApiError('timeout', `backup appliance: ${what}: no complete answer in time`, {
      cause: error,
      retryable: true,
    });
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
  // Resets, refusals and DNS hiccups may pass; anything else (e.g. an invalid request) would fail the same way again.
  return new SourceApiError('unavailable', `backup appliance: ${what}: ${origin} could not be reached (${reason})`, {
    cause: error,
    retryable: isTransientNetworkError(error),
  });
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConfigError('the backup appliance base URL is not a valid URL', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('the backup appliance base URL must start with https://');
  }
  return url;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Feeds a response body to `onChunk` as it arrives, failing past MAX_BODY_BYTES or when the body is cut short. */
async function readBody(response: HttpResponse, onChunk: (chunk: Buffer) => void): Promise<void> {
  const body = response.body;
  let size = 0;
  // A socket closed before the end (truncated body) surfaces as 'aborted' rather than an error on some Node versions.
  let aborted = false;
  const onAborted = (): void => {
    aborted = true;
  };
  body.once('aborted', onAborted);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(MAX_BODY_BYTES);
      onChunk(chunk);
    }
    if (aborted || !body.complete) {
      throw Object.assign(new Error('response body was cut short'), { code: 'ECONNRESET' });
    }
  } finally {
    body.off('aborted', onAborted);
  }
}
