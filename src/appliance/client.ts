import {
  type JobSession,
  type JobSessionPage,
  JobSessionPageSchema,
  type JobSessionQuery,
  JobSessionSchema,
} from '../core/job-session.ts';
import { ConfigError, SourceApiError } from '../errors.ts';
import type { HttpAgents } from '../http/client.ts';
import { type Attempt, withRetry } from '../http/retry.ts';
import type { Log } from '../logger.ts';
import type { Deadline, LogSink, SessionLogSource } from '../ports.ts';
import { quoteServerText } from '../redact.ts';
import { type Credentials, createAuthorizer } from './auth.ts';
import { invalidBody, requestedPath, statusFailure } from './failures.ts';
import { readLogOnce } from './log-read.ts';
import { type ApplianceRetry, type ApplianceTransport, createTransport } from './transport.ts';

export type { Credentials } from './auth.ts';

/*
 * Why our own withRetry loop rather than undici's RetryAgent/RetryHandler: its `retry` callback re-dispatches the same
 * frozen options, so (1) the 401 re-authentication cannot swap the Authorization header between attempts, (2) each
 * attempt cannot get a timeout shrunk to the remaining budget, and (3) a body cut mid-stream is "resumed" with a Range
 * request the appliance does not support. The same loop also serves the webhook POSTs, which RetryHandler skips.
 */

/** Options of createApplianceClient; `agents` and the retry knobs are for tests and tuning. */
export interface ApplianceClientOptions {
  /** `https://host[:port][/prefix]`, without `/api`. */
  readonly baseUrl: string;
  /** Path version segment, e.g. "v1" or "v8.1". */
  readonly apiVersion: string;
  readonly credentials: () => Promise<Credentials>;
  /** Keep-alive agents carrying the appliance's TLS trust (see createAgents); a shared default otherwise. */
  readonly agents?: HttpAgents | undefined;
  readonly logger?: Log | undefined;
  readonly perAttemptTimeoutMs?: number | undefined;
  readonly retry?: ApplianceRetry;
  /** Clock for token expiry; injectable so tests can age a token. */
  readonly now?: () => number;
}

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
  const prefix = base.pathname.replace(/\/+$/, '');
  const sessionsPath = `${prefix}/api/${encodeURIComponent(options.apiVersion)}/jobSessions`;
  const transport = createTransport({
    origin: base.origin,
    agents: options.agents,
    perAttemptTimeoutMs: options.perAttemptTimeoutMs,
    retry: options.retry,
    logger: options.logger,
  });
  const authorized = createAuthorizer({
    transport,
    tokenPath: `${prefix}/api/oauth2/token`,
    credentials: options.credentials,
    now: options.now ?? Date.now,
    logger: options.logger,
  });
  const getJson = <T>(path: string, what: string, sessionId: string, parse: (body: unknown) => T, deadline: Deadline) =>
    authorized(deadline, (token) =>
      withRetry(
        (attempt) => getJsonOnce(transport, { path, accessToken: token, what, sessionId }, attempt, parse),
        transport.retryOptions(deadline, what),
      ),
    );

  return {
    async readLog<T>(sessionId: string, deadline: Deadline, createSink: () => LogSink<T>): Promise<T> {
      const path = `${sessionsPath}/${checkedId(sessionId)}/log`;
      const what = `read the log of session ${sessionId}`;
      return authorized(deadline, (accessToken) =>
        withRetry(
          (attempt) => readLogOnce(transport, { sessionId, path, accessToken }, attempt, createSink),
          transport.retryOptions(deadline, what),
        ),
      );
    },
    async getSession(sessionId, deadline) {
      const path = `${sessionsPath}/${checkedId(sessionId)}`;
      return getJson(path, `read session ${sessionId}`, sessionId, (b) => JobSessionSchema.parse(b), deadline);
    },
    async listSessions(query, deadline) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) params.append(key, String(v));
      }
      const path = `${sessionsPath}${params.size > 0 ? `?${params}` : ''}`;
      return getJson(path, 'list job sessions', '(list)', (b) => JobSessionPageSchema.parse(b), deadline);
    },
  };
}

/** GETs JSON with a bearer token and validates it; any non-200 becomes a typed failure. */
async function getJsonOnce<T>(
  transport: ApplianceTransport,
  request: { readonly path: string; readonly accessToken: string; readonly what: string; readonly sessionId: string },
  attempt: Attempt,
  parse: (body: unknown) => T,
): Promise<T> {
  const { path, accessToken, what, sessionId } = request;
  const headers = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
  const reply = await transport.send({ method: 'GET', path, headers }, attempt, what);
  if (reply.status !== 200) throw statusFailure(reply, sessionId, what, requestedPath('GET', path));
  try {
    return parse(JSON.parse(reply.text));
  } catch (error) {
    throw invalidBody(what, error);
  }
}

/** The session ID as a path segment; "." and ".." would be resolved away by URL normalisation. */
function checkedId(sessionId: string): string {
  if (sessionId === '' || sessionId === '.' || sessionId === '..') {
    throw new SourceApiError(
      'bad-request',
      `backup appliance: "${quoteServerText(sessionId) ?? ''}" is not a session ID`,
    );
  }
  return encodeURIComponent(sessionId);
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
