import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import nodeTls from 'node:tls';

// node:http(s) rather than undici: bundled, undici costs several times our whole bundle and its cold load (README,
// Benchmarks), while node:https gives the same keep-alive agent, per-request timeouts and custom CA trust for free.

/** A request with an explicit time limit covering connect, headers and the whole body. */
export interface HttpRequestOptions {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Aborts the request (and its body) early, e.g. when the retry policy's attempt ends. */
  readonly signal?: AbortSignal;
  readonly agents?: HttpAgents | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as a stream, for readers that must not hold it whole (big logs). */
  readonly body: IncomingMessage;
  /** Reads the whole body as UTF-8 text, failing past `maxBytes`. */
  text(maxBytes?: number): Promise<string>;
  /** Discards the body so the keep-alive socket can be reused. */
  dump(): void;
}

export interface HttpAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** Raised for a timeout; `code` is 'ETIMEDOUT' like the socket-level equivalent. */
export class HttpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/** Raised when a body is larger than the reader allows. */
export class BodyTooLargeError extends Error {
  readonly code = 'EBODYTOOLARGE';
  constructor(maxBytes: number) {
    super(`response body is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Keep-alive agents, reused across invocations of a warm container.
 * `caCertPem` is trusted in addition to the system store; `insecureTls` turns verification off (the caller warns).
 */
export function createAgents(options: { caCertPem?: string | undefined; insecureTls?: boolean } = {}): HttpAgents {
  const tls = {
    // rootCertificates is read only when a CA is configured: building the list costs at import otherwise.
    ...(options.caCertPem ? { ca: [...nodeTls.rootCertificates, options.caCertPem] } : {}),
    rejectUnauthorized: options.insecureTls !== true,
  };
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16, ...tls }),
  };
}

let defaultAgents: HttpAgents | undefined;

/** Sends one HTTP request; rejects on network failure or timeout, resolves with any status. */
export function httpRequest(url: string | URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const secure = target.protocol === 'https:';
  defaultAgents ??= createAgents();
  const agents = options.agents ?? defaultAgents;
  const transport = secure ? https : http;
  const timeoutMs = Math.max(1, Math.floor(options.timeoutMs));

  return new Promise((resolve, reject) => {
    let settled = false;
    const signal = options.signal;
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError(timeoutMs)), timeoutMs);
    // Our own abort listener rather than http.request's `signal` option, whose stream plumbing cost more CPU per
    // request than the rest of this function (measured with bench/floor-client.mjs as the floor).
    const onAbort = () => req.destroy(abortError(signal?.reason));
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    const req = transport.request(target, {
      method: options.method,
      agent: secure ? agents.https : agents.http,
      headers:
        options.body === undefined
          ? options.headers
          : { 'content-length': String(Buffer.byteLength(options.body)), ...options.headers },
    });
    req.once('response', (res) => {
      settled = true;
      res.once('end', done);
      res.once('close', done);
      res.once('error', done);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        text: (maxBytes = 8 * 1024 * 1024) => readText(res, maxBytes),
        dump: () => {
          res.resume();
        },
      });
    });
    req.once('error', (error) => {
      done();
      if (!settled) reject(error);
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    // The timer and the signal destroy the socket mid-body too; the body stream then errors with their reason.
    req.end(options.body);
  });
}

/** What an aborted request fails with, as Node's own `signal` option reports it: an AbortError caused by the reason. */
function abortError(reason: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}

function readText(res: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Settle first: destroying emits 'aborted' (a reset, which is retried) before the error it is given.
        const tooLarge = new BodyTooLargeError(maxBytes);
        reject(tooLarge);
        res.destroy(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    // A socket closed before the end (truncated body) surfaces as 'aborted' on older Node versions.
    res.once('aborted', () => reject(Object.assign(new Error('response body was cut short'), { code: 'ECONNRESET' })));
  });
}
