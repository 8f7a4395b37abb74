import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { LogItem } from '../core/session-log.ts';
import { protectedItemsBody } from './emulators/azure-objects.ts';
import { listenOnLoopback } from './listen.ts';
import { SAMPLE_SESSIONS, type SampleSession } from './sample-sessions.ts';

/**
 * A local stand-in for the backup appliance REST API (backup-api.md §1, §2, §4): token grants, the session log,
 * session metadata and list, plus scriptable faults. A real node:http(s) server on 127.0.0.1, port 0 by default.
 */

/** The endpoints a fault can be aimed at. */
export type EmulatorRoute = 'token' | 'log' | 'session' | 'sessions' | 'objects';

/**
 * What the emulator does instead of (or before) answering normally:
 * - `{ status, body?, headers? }` answers that status; `body` is sent as JSON when not a string, default a problem+json;
 * - `hang` never answers; `destroy` drops the socket before answering; `cut` sends half the real body then drops it;
 * - `html` answers 200 text/html; `truncated` answers 200 JSON cut in half (framing intact);
 * - `mfa` (token route) answers the MFA-style 200 without access_token; `slow` answers normally after `delayMs`;
 * - `pass` answers normally (to script "ok, then fail").
 */
export type Fault =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'hang' | 'destroy' | 'cut' | 'html' | 'truncated' | 'mfa' | 'pass' }
  | { readonly kind: 'slow'; readonly delayMs: number };

/** One request as the emulator received it: exact raw path (query included), all headers, the body text. */
export interface RecordedRequest {
  readonly route: EmulatorRoute | 'other';
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The fault applied to this request, if any, in a readable form ("503", "hang"). */
  readonly fault: string | undefined;
}

/** Options of startApplianceEmulator; all optional. */
export interface ApplianceEmulatorOptions {
  /** Accounts the password grant accepts; default one: notifier / s3cret-Passw0rd!. */
  readonly users?: ReadonlyArray<{ readonly username: string; readonly password: string }>;
  /** Bearer tokens accepted without a grant (the "static token" configuration). */
  readonly staticTokens?: readonly string[];
  /** `expires_in` of issued access tokens; default 3600. */
  readonly tokenLifetimeSeconds?: number;
  /** Whether grants return a refresh_token; default true. */
  readonly issueRefreshTokens?: boolean;
  /** Every password grant answers the MFA-style 200 without access_token. */
  readonly mfa?: boolean;
  /** Sessions served; default SAMPLE_SESSIONS. */
  readonly sessions?: Iterable<SampleSession>;
  /** Path versions served; default any of the form v1, v8.1. */
  readonly apiVersions?: readonly string[];
  /** Serialise each log once and replay the bytes (benchmarks: the emulator then costs no JSON work per request). */
  readonly cacheLogBodies?: boolean;
  /** The most sessions one list page returns, whatever `Limit` asks for (real servers may cap it); default no cap. */
  readonly maxPageSize?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
}

/** A running emulator; `close()` ends every connection, hanging ones included. */
export interface ApplianceEmulator {
  /** `http(s)://127.0.0.1:<port>`, the client's base URL. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  requestsTo(route: EmulatorRoute): RecordedRequest[];
  /** Queues faults for the next requests to `route`, one per request, in order. */
  enqueueFaults(route: EmulatorRoute, faults: readonly Fault[]): void;
  /** A fault applied to every request to `route` once its queue is empty; undefined clears it. */
  setFault(route: EmulatorRoute, fault: Fault | undefined): void;
  /** Invalidates every issued access token (refresh tokens stay valid), as an appliance restart or expiry would. */
  revokeAccessTokens(): void;
  /** Adds a session, or replaces the one with the same ID (a running session that finished). */
  addSession(sample: SampleSession): void;
  /** Forgets recorded requests and faults; issued tokens stay valid. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USERS = [{ username: 'notifier', password: 's3cret-Passw0rd!' }] as const;
const VERSION_PATTERN = /^v\d+(\.\d+)?$/;
const STREAM_CHUNK_CHARS = 64 * 1024;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post"><input name="user"></form></body></html>';

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startApplianceEmulator(options: ApplianceEmulatorOptions = {}): Promise<ApplianceEmulator> {
  const users = options.users ?? DEFAULT_USERS;
  const staticTokens = new Set(options.staticTokens ?? []);
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const sessions = new Map<string, SampleSession>();
  for (const sample of options.sessions ?? SAMPLE_SESSIONS.values()) sessions.set(sample.session.id, sample);
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  const queues = new Map<EmulatorRoute, Fault[]>();
  const persistent = new Map<EmulatorRoute, Fault>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let traceCounter = 0;
  const cachedBodies = new WeakMap<SampleSession, Buffer[]>();

  const problem = (status: number, detail?: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: `https://tools.ietf.org/html/rfc9110#status-${status}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    traceId: `00-${(++traceCounter).toString(16).padStart(32, '0')}-0000000000000001-00`,
    ...extra,
  });

  const issueTokens = (username: string): Record<string, unknown> => {
    const accessToken = `at-${randomBytes(18).toString('base64url')}`;
    accessTokens.set(accessToken, Date.now() + lifetimeSeconds * 1000);
    const refreshToken = options.issueRefreshTokens === false ? null : `rt-${randomBytes(18).toString('base64url')}`;
    if (refreshToken !== null) refreshTokens.add(refreshToken);
    const issued = new Date();
    return {
      access_token: accessToken,
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: lifetimeSeconds,
      '.issued': issued.toISOString(),
      '.expires': new Date(issued.getTime() + lifetimeSeconds * 1000).toISOString(),
      userId: '6f1d2c4a-8b3e-4f5a-9c7d-1e2f3a4b5c6d',
      username,
      roleName: 'ReadOnlyUser',
      userType: 'Internal',
      mfa_enabled: false,
      shortLived: false,
    };
  };

  const mfaAnswer = (username: string): Record<string, unknown> => ({
    access_token: null,
    token_type: null,
    refresh_token: null,
    expires_in: 0,
    username,
    mfa_enabled: true,
    mfa_token: `mfa-${randomBytes(12).toString('base64url')}`,
  });

  const authorized = (headers: IncomingHttpHeaders): boolean => {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return false;
    if (staticTokens.has(token)) return true;
    const expiresAt = accessTokens.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  };

  const nextFault = (route: EmulatorRoute): Fault | undefined => queues.get(route)?.shift() ?? persistent.get(route);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const rawPath = req.url ?? '/';
    const [pathname = '/', queryText = ''] = rawPath.split('?', 2);
    const method = req.method ?? 'GET';
    const matched = match(pathname);
    const fault = matched === undefined ? undefined : nextFault(matched.route);
    requests.push({
      route: matched?.route ?? 'other',
      method,
      path: rawPath,
      headers: req.headers,
      body,
      fault: fault === undefined ? undefined : 'status' in fault ? String(fault.status) : fault.kind,
    });

    if (matched === undefined) return sendJson(res, 404, problem(404, `No endpoint at ${pathname}`), true);
    const expectedMethod = matched.route === 'token' ? 'POST' : 'GET';
    if (method !== expectedMethod) return sendJson(res, 405, problem(405), true);

    if (fault !== undefined && !('status' in fault) && fault.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    if (fault !== undefined && 'status' in fault) return sendFault(res, fault, problem);
    if (fault !== undefined) {
      switch (fault.kind) {
        case 'hang':
          return;
        case 'destroy':
          req.socket.destroy();
          return;
        case 'html':
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-length': Buffer.byteLength(LOGIN_PAGE),
          });
          res.end(LOGIN_PAGE);
          return;
        case 'truncated':
        case 'cut': {
          const full = JSON.stringify(normalBody(matched));
          const half = Buffer.from(full).subarray(0, Math.floor(Buffer.byteLength(full) / 2));
          const length = fault.kind === 'truncated' ? half.length : Buffer.byteLength(full);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
          if (fault.kind === 'truncated') {
            res.end(half);
          } else {
            res.write(half, () => req.socket.destroy());
          }
          return;
        }
        case 'mfa':
          return sendJson(res, 200, mfaAnswer(formField(new URLSearchParams(body), 'username') ?? ''));
        default:
          break;
      }
    }
    return answer(req, res, matched, body, queryText);
  };

  /** The successful body of a route, for the faults that mangle it. */
  const normalBody = (matched: Match): unknown => {
    if (matched.route === 'token') return issueTokens(users[0]?.username ?? 'notifier');
    const sample = sessions.get(matched.sessionId ?? '') ?? SAMPLE_SESSIONS.get('38');
    if (matched.route === 'log') return { jobSessionId: sample?.session.id, log: Array.from(sample?.logItems() ?? []) };
    if (matched.route === 'objects' && sample) return protectedItemsBody(sample);
    return sample?.session ?? {};
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    matched: Match,
    body: string,
    queryText: string,
  ): Promise<void> => {
    if (matched.route === 'token') return answerToken(res, new URLSearchParams(body));
    const versions = options.apiVersions;
    if (versions === undefined ? !VERSION_PATTERN.test(matched.version) : !versions.includes(matched.version)) {
      return sendJson(res, 404, problem(404, `API version ${matched.version} is not supported`), true);
    }
    if (!authorized(req.headers)) {
      return sendJson(
        res,
        401,
        problem(401, 'The access token is missing, invalid or expired.', { extensions: {} }),
        true,
      );
    }
    if (matched.route === 'sessions') return answerList(res, new URLSearchParams(queryText), req.url ?? '');
    const sample = sessions.get(matched.sessionId ?? '');
    if (sample === undefined) {
      return sendJson(
        res,
        404,
        problem(404, `Job session with ID '${matched.sessionId ?? ''}' was not found.`, { instance: req.url }),
        true,
      );
    }
    if (matched.route === 'session') return sendJson(res, 200, sample.session);
    if (matched.route === 'objects') return sendJson(res, 200, protectedItemsBody(sample));
    if (options.cacheLogBodies !== true) return writeLog(res, sample.session.id, sample.logItems());
    let cached = cachedBodies.get(sample);
    if (cached === undefined) {
      cached = serializeLog(sample.session.id, sample.logItems());
      cachedBodies.set(sample, cached);
    }
    return writeChunks(res, cached);
  };

  const answerToken = (res: ServerResponse, form: URLSearchParams): void => {
    const grant = (formField(form, 'grant_type') ?? 'password').toLowerCase();
    if (grant === 'password') {
      const username = formField(form, 'username') ?? '';
      const password = formField(form, 'password') ?? '';
      if (!users.some((u) => u.username === username && u.password === password)) {
        sendJson(res, 400, problem(400, 'The user name or password is incorrect.'), true);
        return;
      }
      sendJson(res, 200, options.mfa === true ? mfaAnswer(username) : issueTokens(username));
      return;
    }
    if (grant === 'refresh_token') {
      const refreshToken = formField(form, 'refresh_token') ?? '';
      // Refresh tokens are single-use: the grant returns a new pair (backup-api.md §1).
      if (!refreshTokens.delete(refreshToken)) {
        sendJson(res, 400, problem(400, 'The refresh token is invalid or expired.'), true);
        return;
      }
      sendJson(res, 200, issueTokens(users[0]?.username ?? 'notifier'));
      return;
    }
    sendJson(res, 400, problem(400, `Unsupported grant_type '${grant}'.`), true);
  };

  const answerList = (res: ServerResponse, query: URLSearchParams, self: string): void => {
    // Query keys are case-sensitive on the appliance: "offset" is not "Offset".
    const offset = integerParam(query.get('Offset'), 0, 0);
    const limit = integerParam(query.get('Limit'), 100, -1);
    if (offset === undefined || limit === undefined) {
      const errors = {
        ...(offset === undefined ? { Offset: ['The value must be an integer greater than or equal to 0.'] } : {}),
        ...(limit === undefined ? { Limit: ['The value must be an integer greater than or equal to -1.'] } : {}),
      };
      sendJson(res, 400, problem(400, 'One or more validation errors occurred.', { errors }), true);
      return;
    }
    const badTimes = ['FromUtc', 'ToUtc'].filter((key) => {
      const value = query.get(key);
      return value !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value);
    });
    if (badTimes.length > 0) {
      const errors = Object.fromEntries(
        badTimes.map((key) => [key, ['The value must be in the format YYYY-MM-DDTHH:MM:SSZ.']]),
      );
      sendJson(res, 400, problem(400, 'One or more validation errors occurred.', { errors }), true);
      return;
    }
    const all = Array.from(sessions.values(), (s) => s.session).filter(listFilter(query));
    const cap = options.maxPageSize ?? Number.POSITIVE_INFINITY;
    const served = Math.min(limit === -1 ? Number.POSITIVE_INFINITY : limit, cap);
    const results = all.slice(offset, offset + served);
    sendJson(res, 200, {
      offset,
      limit: Number.isFinite(served) ? served : limit,
      totalCount: all.length,
      results,
      _links: { self: { href: self } },
    });
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert })
    : http.createServer();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, problem(500, error instanceof Error ? error.message : 'emulator failure'), true);
      } else {
        res.destroy();
      }
    });
  });
  const port = await listenOnLoopback(server);

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    enqueueFaults(route, faults) {
      queues.set(route, [...(queues.get(route) ?? []), ...faults]);
    },
    setFault(route, fault) {
      if (fault === undefined) persistent.delete(route);
      else persistent.set(route, fault);
    },
    revokeAccessTokens() {
      accessTokens.clear();
    },
    addSession(sample) {
      sessions.set(sample.session.id, sample);
    },
    reset() {
      requests.length = 0;
      queues.clear();
      persistent.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging requests and idle keep-alive sockets would otherwise hold close() (and the test run) open.
      server.closeAllConnections();
      await closed;
    },
  };
}

interface Match {
  readonly route: EmulatorRoute;
  readonly version: string;
  readonly sessionId: string | undefined;
}

function match(pathname: string): Match | undefined {
  if (pathname === '/api/oauth2/token') return { route: 'token', version: '', sessionId: undefined };
  const found = /^\/api\/([^/]+)\/jobSessions(?:\/([^/]+)(\/log|\/protectedItems)?)?$/.exec(pathname);
  if (found === null) return undefined;
  const [, version = '', id, sub] = found;
  const decode = (segment: string): string => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  const sessionId = id === undefined ? undefined : decode(id);
  const route = id === undefined ? 'sessions' : sub === '/log' ? 'log' : sub ? 'objects' : 'session';
  return { route, version: decode(version), sessionId };
}

/**
 * The list filters (backup-api.md §2): `Types` and `Status` as repeated keys, `FromUtc`/`ToUtc` on the session's start
 * time (the docs do not say which time; the watcher assumes start, so the emulator does too). Sessions not started yet
 * pass the time filters.
 */
function listFilter(query: URLSearchParams): (session: SampleSession['session']) => boolean {
  const types = query.getAll('Types');
  const statuses = query.getAll('Status');
  const from = query.get('FromUtc');
  const to = query.get('ToUtc');
  const fromMs = from === null ? undefined : Date.parse(from);
  const toMs = to === null ? undefined : Date.parse(to);
  return (session) => {
    if (types.length > 0 && !types.includes(session.type)) return false;
    if (statuses.length > 0 && !statuses.includes(session.status)) return false;
    const start = session.executionStartTime === null ? undefined : Date.parse(session.executionStartTime);
    if (start === undefined) return true;
    return (fromMs === undefined || start >= fromMs) && (toMs === undefined || start <= toMs);
  };
}

function formField(form: URLSearchParams, name: string): string | undefined {
  // ASP.NET binds form fields case-insensitively; the docs' own example sends "Username" and "Password".
  for (const [key, value] of form) if (key.toLowerCase() === name) return value;
  return undefined;
}

function integerParam(value: string | null, fallback: number, min: number): number | undefined {
  if (value === null) return fallback;
  if (!/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min ? n : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, isProblem = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': `application/${isProblem ? 'problem+json' : 'json'}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendFault(
  res: ServerResponse,
  fault: { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> },
  problem: (status: number, detail?: string) => Record<string, unknown>,
): void {
  const body = fault.body ?? problem(fault.status, `Injected ${fault.status}.`);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType =
    typeof body === 'string'
      ? 'text/plain; charset=utf-8'
      : `application/${fault.status >= 400 ? 'problem+json' : 'json'}; charset=utf-8`;
  res.writeHead(fault.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    ...fault.headers,
  });
  res.end(text);
}

/** Writes a log body; small logs in one piece with Content-Length, big ones in ~64 KB chunks honouring backpressure. */
async function writeLog(res: ServerResponse, jobSessionId: string, items: Iterable<LogItem>): Promise<void> {
  let buffer = `{"jobSessionId":${JSON.stringify(jobSessionId)},"log":[`;
  let first = true;
  let streaming = false;
  for (const item of items) {
    buffer += (first ? '' : ',') + JSON.stringify(item);
    first = false;
    if (buffer.length < STREAM_CHUNK_CHARS) continue;
    if (!streaming) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      streaming = true;
    }
    const flushed = res.write(buffer);
    buffer = '';
    if (!flushed) await drained(res);
    if (res.destroyed) return;
  }
  buffer += ']}';
  if (!streaming) {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(buffer),
    });
  }
  res.end(buffer);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** A log body as ~64 KB chunks, built once for cacheLogBodies. */
function serializeLog(jobSessionId: string, items: Iterable<LogItem>): Buffer[] {
  const chunks: Buffer[] = [];
  let buffer = `{"jobSessionId":${JSON.stringify(jobSessionId)},"log":[`;
  let first = true;
  for (const item of items) {
    buffer += (first ? '' : ',') + JSON.stringify(item);
    first = false;
    if (buffer.length < STREAM_CHUNK_CHARS) continue;
    chunks.push(Buffer.from(buffer));
    buffer = '';
  }
  chunks.push(Buffer.from(`${buffer}]}`));
  return chunks;
}

async function writeChunks(res: ServerResponse, chunks: readonly Buffer[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  for (const chunk of chunks) {
    if (!res.write(chunk)) await drained(res);
    if (res.destroyed) return;
  }
  res.end();
}
