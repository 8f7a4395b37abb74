import type { JobSession, JobSessionPage, JobSessionQuery } from '../core/job-session.ts';
import { type ObjectResults, summarizeObjects } from '../core/objects.ts';
import type { LogItem } from '../core/session-log.ts';
import { ConfigError, SourceApiError } from '../errors.ts';
import type { HttpAgents } from '../http/client.ts';
import { type Attempt, withRetry } from '../http/retry.ts';
import type { Log } from '../logger.ts';
import type { Deadline, LogSink, SessionLogSource } from '../ports.ts';
import { quoteServerText } from '../redact.ts';
import { type Authorizer, type Credentials, createAuthorizer } from './auth.ts';
import { DEFAULT_API_VERSION, type Dialect, dialectFor, type Product } from './dialects/index.ts';
import { invalidBody, requestedPath, statusFailure } from './failures.ts';
import { readLogOnce } from './log-read.ts';
import { type ApplianceRetry, type ApplianceTransport, createTransport } from './transport.ts';

export type { Credentials } from './auth.ts';
export type { Product } from './dialects/index.ts';

/*
 * Why our own withRetry loop rather than undici's RetryAgent/RetryHandler: its `retry` callback re-dispatches the same
 * frozen options, so (1) the 401 re-authentication cannot swap the Authorization header between attempts, (2) each
 * attempt cannot get a timeout shrunk to the remaining budget, and (3) a body cut mid-stream is "resumed" with a Range
 * request the appliance does not support. The same loop also serves the webhook POSTs, which RetryHandler skips.
 */

/** Options of createApplianceClient; `agents` and the retry knobs are for tests and tuning. */
export interface ApplianceClientOptions {
  /** Which REST API the appliance speaks; default "azure". */
  readonly product?: Product | undefined;
  /** `https://host[:port][/prefix]`, without `/api`. */
  readonly baseUrl: string;
  /** Azure: the path version ("v1", "v8.1"); the others: the `x-api-version` value ("1.2-rev1"). Default per product. */
  readonly apiVersion?: string | undefined;
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
  readonly product: Product;
  /** The session (name, type, times, overall status) mapped into the core model. */
  getSession(sessionId: string, deadline: Deadline): Promise<JobSession>;
  /** One page of the session list, as the server paged it. */
  listSessions(query: JobSessionQuery, deadline: Deadline): Promise<JobSessionPage>;
  /** Whether the list's `FromUtc` filters on the end time (Backup & Replication), not the start time. */
  readonly filtersOnEndTime: boolean;
}

/** An ApplianceClient over one product's REST API: its token grants, version header, paths and body shapes. */
export function createApplianceClient(options: ApplianceClientOptions): ApplianceClient {
  const product = options.product ?? 'azure';
  const dialect = dialectFor(product, options.apiVersion ?? DEFAULT_API_VERSION[product]);
  const calls = connect(dialect, options);
  const { getJson } = calls;
  // Concurrent reads of one session share one GET (Google Cloud's log step and the message context are the same call).
  const inFlight = new Map<string, Promise<JobSession>>();
  // Async so that a refused ID rejects rather than throws, for callers that do not await at once.
  const getSession = async (sessionId: string, deadline: Deadline): Promise<JobSession> => {
    const pending = inFlight.get(sessionId);
    if (pending) return pending;
    const path = dialect.sessionPath(checkedId(sessionId));
    const read = getJson(path, `read session ${sessionId}`, sessionId, dialect.parseSession, deadline).finally(() =>
      inFlight.delete(sessionId),
    );
    inFlight.set(sessionId, read);
    return read;
  };
  return {
    product,
    filtersOnEndTime: dialect.filtersOnEndTime,
    readLog: logReader(dialect, calls, getSession),
    getSession,
    ...(dialect.log.kind === 'session' ? { note: dialect.log.note } : {}),
    ...(dialect.objects ? { getObjectResults: objectsReader(dialect.objects, getJson) } : {}),
    async listSessions(query, deadline) {
      const parse = (body: unknown) => dialect.parsePage(body, query);
      return getJson(dialect.listPath(query), 'list sessions', '', parse, deadline);
    },
  };
}

/** The transport and token cache of one appliance, and an authorized, retried JSON GET relative to its base path. */
interface Connection {
  readonly prefix: string;
  readonly transport: ApplianceTransport;
  readonly authorized: Authorizer;
  readonly getJson: GetJson;
}

function connect(dialect: Dialect, options: ApplianceClientOptions): Connection {
  const base = parseBaseUrl(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const transport = createTransport({
    origin: base.origin,
    agents: options.agents,
    perAttemptTimeoutMs: options.perAttemptTimeoutMs,
    retry: options.retry,
    logger: options.logger,
  });
  const authorized = createAuthorizer({
    transport,
    tokenPath: `${prefix}${dialect.tokenPath}`,
    grants: dialect.grants,
    headers: dialect.headers,
    credentials: options.credentials,
    now: options.now ?? Date.now,
    logger: options.logger,
  });
  const getJson: GetJson = (path, what, sessionId, parse, deadline) =>
    authorized(deadline, (accessToken) =>
      withRetry(
        (attempt) =>
          getJsonOnce(transport, { path: `${prefix}${path}`, accessToken, what, sessionId, dialect }, attempt, parse),
        transport.retryOptions(deadline, what),
      ),
    );
  return { prefix, transport, authorized, getJson };
}

/** Reads a log the product's way: streamed, read whole and mapped, or (no log endpoint) the session as its one step. */
function logReader(
  dialect: Dialect,
  { prefix, transport, authorized, getJson }: Connection,
  getSession: (sessionId: string, deadline: Deadline) => Promise<JobSession>,
): SessionLogSource['readLog'] {
  return async <T>(sessionId: string, deadline: Deadline, createSink: () => LogSink<T>): Promise<T> => {
    const id = checkedId(sessionId);
    const log = dialect.log;
    const what = `read the log of session ${sessionId}`;
    if (log.kind === 'stream') {
      const path = `${prefix}${log.path(id)}`;
      const request = { sessionId, path, headers: dialect.headers };
      return authorized(deadline, (accessToken) =>
        withRetry(
          (attempt) => readLogOnce(transport, { ...request, accessToken }, attempt, createSink),
          transport.retryOptions(deadline, what),
        ),
      );
    }
    const items =
      log.kind === 'records'
        ? await getJson(log.path(id), what, sessionId, log.parse, deadline)
        : [sessionStep(await getSession(sessionId, deadline))];
    const sink = createSink();
    for (const item of items) sink.add(item);
    return sink.finish(sessionId);
  };
}

type GetJson = <T>(
  path: string,
  what: string,
  sessionId: string,
  parse: (body: unknown) => T,
  deadline: Deadline,
) => Promise<T>;

/** Reads a session's per-object results and counts them; the caller treats any failure as "not available". */
function objectsReader(objects: NonNullable<Dialect['objects']>, getJson: GetJson) {
  return async (sessionId: string, deadline: Deadline): Promise<ObjectResults | undefined> => {
    const parse = (body: unknown) => objects.parse(body, sessionId);
    const what = `read the per-object results of session ${sessionId}`;
    const page = await getJson(objects.path(checkedId(sessionId)), what, sessionId, parse, deadline);
    return summarizeObjects(page.items, objects.noun, page.total ?? undefined);
  };
}

/** The session as the only step of its own log, for a product without a log endpoint. */
function sessionStep(session: JobSession): LogItem {
  return {
    status: session.status,
    message: session.resultMessage ?? `Session ended with status ${session.status}`,
    executionStartTime: session.executionStartTime ?? null,
    logTime: session.executionStopTime ?? null,
    executionDuration: session.executionDuration ?? null,
  };
}

/** GETs JSON with a bearer token and the product's headers and validates it; any non-200 becomes a typed failure. */
async function getJsonOnce<T>(
  transport: ApplianceTransport,
  request: {
    readonly path: string;
    readonly accessToken: string;
    readonly what: string;
    readonly sessionId: string;
    readonly dialect: Dialect;
  },
  attempt: Attempt,
  parse: (body: unknown) => T,
): Promise<T> {
  const { path, accessToken, what, sessionId } = request;
  const headers = { ...request.dialect.headers, authorization: `Bearer ${accessToken}`, accept: 'application/json' };
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
