import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Fault, RecordedRequest } from '../appliance-emulator.ts';
import { listenOnLoopback } from '../listen.ts';
import { PRODUCT_SAMPLES, type ProductSample, type SampleSpec, type VendorProduct } from './samples.ts';
import { rank, vendorBodies } from './vendor-bodies.ts';

/**
 * A local stand-in for the REST APIs of Backup & Replication, Backup for AWS and Backup for Google Cloud: token grants
 * (single-use refresh tokens), the `x-api-version` rules, session, log, per-object and list endpoints with each
 * product's paging, and each product's error bodies. A real node:http server on 127.0.0.1, port 0.
 */

export type VendorRoute = 'token' | 'session' | 'log' | 'objects' | 'sessions';

export interface VendorEmulatorOptions {
  readonly product: VendorProduct;
  readonly users?: ReadonlyArray<{ readonly username: string; readonly password: string }>;
  readonly tokenLifetimeSeconds?: number;
  /** Sessions served; default PRODUCT_SAMPLES[product]. */
  readonly samples?: Iterable<SampleSpec>;
  /** Revisions the `x-api-version` header may name; default every documented one of the product. */
  readonly apiVersions?: readonly string[];
  /** The most sessions one list page returns, whatever the client asks (real servers may cap it). */
  readonly maxPageSize?: number;
}

export interface VendorEmulator {
  readonly product: VendorProduct;
  readonly url: string;
  readonly requests: RecordedRequest[];
  requestsTo(route: VendorRoute): RecordedRequest[];
  enqueueFaults(route: VendorRoute, faults: readonly Fault[]): void;
  revokeAccessTokens(): void;
  addSession(spec: SampleSpec): void;
  close(): Promise<void>;
}

const DEFAULT_USERS = [{ username: 'notifier', password: 's3cret-Passw0rd!' }] as const;

/** Documented revisions (appliance-families.md): VBR 12.0–13.1, AWS 1.0–1.8, Google Cloud 1.0–1.4. */
const VERSIONS: Readonly<Record<VendorProduct, readonly string[]>> = {
  vbr: ['1.1-rev0', '1.1-rev1', '1.2-rev0', '1.2-rev1', '1.3-rev0', '1.3-rev1', '1.3-rev2'],
  aws: ['1.0-rev0', '1.1-rev0', '1.2-rev0', '1.3-rev0', '1.4-rev0', '1.5-rev0', '1.6-rev0', '1.7-rev0', '1.8-rev0'],
  gcp: ['1.0-rev0', '1.1-rev0', '1.2-rev0', '1.3-rev0', '1.4-rev0'],
};

/** The product's error body: VBR `Error {errorCode, message}`; AWS (and, assumed, Google Cloud) problem+json. */
function errorBody(product: VendorProduct, status: number, errorCode: string, message: string, problem?: string) {
  if (product === 'vbr') return { errorCode, message, resourceId: null };
  return {
    type: `/api/v1/problems/${problem ?? errorCode.charAt(0).toLowerCase() + errorCode.slice(1)}`,
    title: message,
    status,
    errorCode,
    details: message,
    instance: null,
    data: null,
  };
}

/** Starts the emulator of `product` on 127.0.0.1 and a free port. */
export async function startVendorEmulator(options: VendorEmulatorOptions): Promise<VendorEmulator> {
  const { product } = options;
  const users = options.users ?? DEFAULT_USERS;
  const lifetime = options.tokenLifetimeSeconds ?? 900;
  const versions = options.apiVersions ?? VERSIONS[product];
  const sessions = new Map<string, SampleSpec>();
  for (const spec of options.samples ?? PRODUCT_SAMPLES[product].map((s: ProductSample) => s.spec)) {
    sessions.set(spec.id, spec);
  }
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  const queues = new Map<VendorRoute, Fault[]>();
  const requests: RecordedRequest[] = [];

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    const type = status >= 400 && product !== 'vbr' ? 'application/problem+json' : 'application/json';
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string, problem?: string) =>
    send(res, status, errorBody(product, status, code, message, problem));

  const issue = (username: string): Record<string, unknown> => {
    const access = `at-${randomBytes(18).toString('base64url')}`;
    const refresh = `rt-${randomBytes(18).toString('base64url')}`;
    accessTokens.set(access, Date.now() + lifetime * 1000);
    refreshTokens.add(refresh);
    const issued = new Date();
    return {
      access_token: access,
      token_type: 'bearer',
      refresh_token: refresh,
      expires_in: lifetime,
      '.issued': issued.toISOString(),
      '.expires': new Date(issued.getTime() + lifetime * 1000).toISOString(),
      ...(product === 'vbr' ? {} : { username, roleName: 'Viewer', mfa_enabled: false }),
    };
  };

  /** The `x-api-version` rules: required (the Google Cloud token call excepted, as a community script relies on). */
  const versionError = (res: ServerResponse, headers: IncomingHttpHeaders, route: VendorRoute): string | null => {
    const raw = headers['x-api-version'];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (value === undefined || value.trim() === '') {
      if (product === 'gcp' && route === 'token') return versions.at(-1) ?? '';
      fail(res, 400, 'UnexpectedContent', 'The x-api-version header is required.', 'apiVersionUnspecified');
      return null;
    }
    if (value.includes(',')) {
      fail(res, 400, 'UnexpectedContent', 'Several x-api-version values were sent.', 'ambiguousApiVersion');
      return null;
    }
    if (!versions.includes(value)) {
      const problem = /^\d+\.\d+-rev\d+$/.test(value) ? 'unsupportedApiVersion' : 'invalidApiVersion';
      fail(res, 400, 'UnexpectedContent', `API version ${value} (x-api-version) is not supported.`, problem);
      return null;
    }
    return value;
  };

  const answerToken = (res: ServerResponse, form: URLSearchParams): void => {
    const field = (name: string) => [...form].find(([k]) => k.toLowerCase() === name)?.[1];
    // Spellings differ between revisions ("password" / "Password"); matched case-insensitively.
    const grant = (field('grant_type') ?? '').toLowerCase();
    if (grant === 'password') {
      const ok = users.some((u) => u.username === field('username') && u.password === field('password'));
      if (ok) send(res, 200, issue(field('username') ?? ''));
      else fail(res, 401, 'AccessDenied', 'The user name or password is incorrect.', 'invalidCredentials');
      return;
    }
    if (grant === 'refresh_token') {
      // Single use: a refresh token is spent by the grant that uses it.
      if (refreshTokens.delete(field('refresh_token') ?? '')) send(res, 200, issue(users[0]?.username ?? ''));
      else
        fail(res, 401, 'InvalidToken', 'The refresh token is invalid, expired or already used.', 'invalidRefreshToken');
      return;
    }
    fail(res, 400, 'UnexpectedContent', `Unsupported grant_type '${grant}'.`, 'unsupportedGrantType');
  };

  const bearerOk = (headers: IncomingHttpHeaders): 'ok' | 'missing' | 'invalid' => {
    const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (token === undefined) return 'missing';
    const expires = accessTokens.get(token);
    return expires !== undefined && Date.now() < expires ? 'ok' : 'invalid';
  };

  const answer = (
    res: ServerResponse,
    route: VendorRoute,
    id: string | undefined,
    search: URLSearchParams,
    version: string,
  ) => {
    if (route === 'sessions')
      return send(res, 200, listPage(product, [...sessions.values()], search, version, options.maxPageSize));
    const spec = sessions.get(id ?? '');
    if (spec === undefined) return fail(res, 404, 'NotFound', `Session ${id ?? ''} was not found.`, 'notFound');
    const bodies = vendorBodies(product, spec, version);
    const body = route === 'session' ? bodies.session : route === 'log' ? bodies.log : bodies.objects;
    if (body === undefined) return fail(res, 404, 'NotFound', 'No such endpoint in this API revision.', 'notFound');
    send(res, 200, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const matched = match(product, url.pathname);
    const fault = matched ? queues.get(matched.route)?.shift() : undefined;
    requests.push({
      route: (matched?.route ?? 'other') as RecordedRequest['route'],
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      fault: fault === undefined ? undefined : 'status' in fault ? String(fault.status) : fault.kind,
    });
    if (matched === undefined) return fail(res, 404, 'InvalidURI', `No endpoint at ${url.pathname}`, 'notFound');
    if (fault !== undefined && 'status' in fault)
      return send(
        res,
        fault.status,
        fault.body ?? errorBody(product, fault.status, 'UnknownError', `Injected ${fault.status}.`),
      );
    if (fault !== undefined && 'kind' in fault && fault.kind === 'destroy') return void req.socket.destroy();
    if (fault !== undefined && 'kind' in fault && fault.kind === 'hang') return;
    const version = versionError(res, req.headers, matched.route);
    if (version === null) return;
    if (matched.route === 'token') {
      if (req.method !== 'POST') return fail(res, 405, 'MethodNotAllowed', 'Use POST.', 'methodNotAllowed');
      return answerToken(res, new URLSearchParams(body));
    }
    const auth = bearerOk(req.headers);
    if (auth !== 'ok') {
      const [code, problem] =
        auth === 'missing' ? ['AccessDenied', 'noAccessToken'] : ['ExpiredToken', 'expiredAccessToken'];
      return fail(res, 401, code, 'The access token is missing, invalid or expired.', problem);
    }
    answer(res, matched.route, matched.id, url.searchParams, version);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() =>
      res.headersSent ? res.destroy() : fail(res, 500, 'UnknownError', 'emulator failure'),
    );
  });
  const port = await listenOnLoopback(server);
  return {
    product,
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (route) => requests.filter((r) => (r.route as string) === route),
    enqueueFaults: (route, faults) => queues.set(route, [...(queues.get(route) ?? []), ...faults]),
    revokeAccessTokens: () => accessTokens.clear(),
    addSession: (spec) => void sessions.set(spec.id, spec),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Routes by product: VBR's token sits at /api/oauth2/token, its log at /logs, its objects at /taskSessions. */
function match(product: VendorProduct, pathname: string): { route: VendorRoute; id: string | undefined } | undefined {
  const tokenPath = product === 'vbr' ? '/api/oauth2/token' : '/api/v1/token';
  if (pathname === tokenPath) return { route: 'token', id: undefined };
  const logSegment = product === 'vbr' ? 'logs' : product === 'aws' ? 'log' : undefined;
  const objectsSegment = product === 'vbr' ? 'taskSessions' : product === 'aws' ? 'protectedItems' : undefined;
  const found = /^\/api\/v1\/sessions(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(pathname);
  if (found === null) return undefined;
  const [, rawId, sub] = found;
  const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
  if (id === undefined) return { route: 'sessions', id };
  if (sub === undefined) return { route: 'session', id };
  if (sub === logSegment) return { route: 'log', id };
  if (sub === objectsSegment) return { route: 'objects', id };
  return undefined;
}

const endOf = (s: SampleSpec) => s.endMs ?? Number.POSITIVE_INFINITY;

/** One list page with each product's parameters and paging fields; a server cap applies over `limit`. */
function listPage(
  product: VendorProduct,
  all: SampleSpec[],
  q: URLSearchParams,
  version: string,
  cap = Number.POSITIVE_INFINITY,
): Record<string, unknown> {
  const num = (key: string, fallback: number) => (q.get(key) === null ? fallback : Number(q.get(key)));
  let list = all;
  let skip: number;
  let limit: number;
  if (product === 'vbr') {
    const after = q.get('endedAfterFilter');
    if (q.get('stateFilter') === 'Stopped') list = list.filter((s) => s.endMs !== null);
    if (after !== null) list = list.filter((s) => s.endMs !== null && s.endMs >= Date.parse(after));
    const types = q.getAll('typeFilter');
    if (types.length > 0)
      list = list.filter((s) => types.includes(String(vendorBodies('vbr', s, version).session.sessionType)));
    if (q.get('orderColumn') === 'EndTime') list = [...list].sort((a, b) => endOf(a) - endOf(b));
    if (q.get('orderAsc') === 'false') list.reverse();
    skip = num('skip', 0);
    limit = num('limit', rank(version) >= rank('1.3-rev0') ? 200 : list.length);
  } else if (product === 'aws') {
    const from = q.get('FromUtc');
    if (from !== null) list = list.filter((s) => s.startMs >= Date.parse(from));
    const types = q.getAll('Types');
    if (types.length > 0) list = list.filter((s) => types.includes(s.type ?? 'Policy'));
    if (q.get('Sort') === 'stopTimeAsc') list = [...list].sort((a, b) => endOf(a) - endOf(b));
    skip = num('Offset', 0);
    limit = num('Limit', 100);
  } else {
    const filter = JSON.parse(q.get('filter') ?? '[]') as { property: string; operator: string; value: string }[];
    for (const f of filter) {
      const at = Date.parse(f.value);
      if (f.property === 'creationTimeUtc' && f.operator === 'greaterThanOrEqual')
        list = list.filter((s) => s.startMs >= at);
      if (f.property === 'creationTimeUtc' && f.operator === 'lessThanOrEqual')
        list = list.filter((s) => s.startMs <= at);
    }
    list = [...list].sort((a, b) => a.startMs - b.startMs);
    skip = num('offset', 0);
    limit = num('limit', 100);
  }
  const served = Math.min(limit === -1 ? Number.POSITIVE_INFINITY : limit, cap);
  const page = list.slice(skip, skip + served).map((s) => vendorBodies(product, s, version).session);
  if (product === 'vbr')
    return {
      data: page,
      pagination: { total: list.length, count: page.length, skip, limit: Number.isFinite(served) ? served : limit },
    };
  if (product === 'aws') return { totalCount: list.length, results: page, _links: [] };
  return { data: page, pagination: { offset: skip, limit: served, totalCount: list.length } };
}
