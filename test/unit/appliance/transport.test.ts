import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/appliance/failures.ts';
import { createTransport, MAX_BODY_BYTES, readBody } from '../../../src/appliance/transport.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { listenOnLoopback } from '../../../src/dev/listen.ts';
import { SourceApiError } from '../../../src/errors.ts';
import { BodyTooLargeError, httpRequest } from '../../../src/http/client.ts';
import type { Attempt } from '../../../src/http/retry.ts';
import { loopbackServers } from '../../support/appliance-servers.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const loopback = loopbackServers();
const agents = loopback.agents;

/** A loopback server answering with `answer` and recording what it received. */
async function serve(answer: (res: ServerResponse, req: IncomingMessage) => void) {
  const received: Received[] = [];
  const origin = await loopback.serve(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.on('error', () => {});
    answer(res, req);
  });
  return { origin, received };
}

function attempt(timeoutMs = 5_000): Attempt {
  return { attempt: 1, timeoutMs, signal: new AbortController().signal };
}

/** The failure of one GET of /x that `origin` does not answer well. */
function sendFailure(origin: string, timeoutMs = 5_000): Promise<SourceApiError> {
  const transport = createTransport({ origin, agents: agents() });
  return rejection(
    transport.send({ method: 'GET', path: '/x', headers: {} }, attempt(timeoutMs), 'read session 38'),
    SourceApiError,
  );
}

describe('createTransport', () => {
  describe('send', () => {
    it('POSTs the body with its headers to the path under the origin and reads the whole answer', async () => {
      const { origin, received } = await serve((res) => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-trace': 'abc' });
        res.end('{"ok":true}');
      });
      const transport = createTransport({ origin, agents: agents() });

      const reply = await transport.send(
        { method: 'POST', path: '/api/oauth2/token', headers: { 'x-api-version': '1.2-rev1' }, body: 'a=1&b=2' },
        attempt(),
        'sign in',
      );

      expect(transport.origin).toBe(origin);
      expect(reply.status).toBe(201);
      expect(reply.text).toBe('{"ok":true}');
      expect(reply.headers['x-trace']).toBe('abc');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ method: 'POST', url: '/api/oauth2/token', body: 'a=1&b=2' });
      expect(received[0]?.headers['x-api-version']).toBe('1.2-rev1');
      expect(received[0]?.headers['content-length']).toBe('7');
    });

    it('sends a GET without a body', async () => {
      const { origin, received } = await serve((res) => res.end('x'));
      const transport = createTransport({ origin, agents: agents() });

      await transport.send({ method: 'GET', path: '/api/v1/jobSessions?Limit=5', headers: {} }, attempt(), 'list');

      expect(received[0]).toMatchObject({ method: 'GET', url: '/api/v1/jobSessions?Limit=5', body: '' });
      expect(received[0]?.headers['content-length']).toBeUndefined();
    });

    it('reads an answer larger than the HTTP client default of 8 MiB whole', async () => {
      const size = 9 * 1024 * 1024;
      const { origin } = await serve((res) => res.end(Buffer.alloc(size, 0x61)));
      const transport = createTransport({ origin, agents: agents() });

      const reply = await transport.send({ method: 'GET', path: '/big', headers: {} }, attempt(), 'read');

      expect(reply.text).toHaveLength(size);
    });

    it('fails as unavailable, naming the origin and the code, when nothing listens', async () => {
      const closed = http.createServer();
      const origin = `http://127.0.0.1:${await listenOnLoopback(closed)}`;
      await new Promise((resolve) => closed.close(resolve));
      const error = await sendFailure(origin);

      expect(error.failure).toBe('unavailable');
      expect(error.retryable).toBe(true);
      expect(error.message).toBe(`backup appliance: read session 38: ${origin} could not be reached (ECONNREFUSED)`);
    });

    it('fails as timeout when the answer does not come within the attempt timeout', async () => {
      const { origin } = await serve(() => {});
      const error = await sendFailure(origin, 100);

      expect(error.failure).toBe('timeout');
      expect(error.message).toBe('backup appliance: read session 38: no complete answer in time');
    });

    it("stops waiting when the attempt's signal aborts, well before its timeout", async () => {
      const { origin } = await serve(() => {});
      const transport = createTransport({ origin, agents: agents() });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('deadline')), 50);

      const started = Date.now();
      const error = await rejection(
        transport.send(
          { method: 'GET', path: '/x', headers: {} },
          { attempt: 1, timeoutMs: 5_000, signal: controller.signal },
          'read session 38',
        ),
        SourceApiError,
      );

      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.message).toMatch(/^backup appliance: read session 38: /);
    });

    it('fails as a retryable network failure when the body is cut short after the headers', async () => {
      const { origin } = await serve((res) => {
        res.writeHead(503, { 'content-length': '100' });
        res.write('{"title":"Service');
        setTimeout(() => res.destroy(), 20);
      });
      const error = await sendFailure(origin);

      expect(error.failure).toBe('unavailable');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(
        /^backup appliance: read session 38: http:\/\/127\.0\.0\.1:\d+ could not be reached \(E/,
      );
    });
  });

  describe('retryOptions', () => {
    it('takes the shared defaults when no knobs are given', () => {
      const deadline = deadlineIn(1_000);
      const options = createTransport({ origin: 'https://a.example.com' }).retryOptions(deadline, 'list sessions');

      expect(options).toMatchObject({
        deadline,
        maxAttempts: 3,
        baseDelayMs: 200,
        maxDelayMs: 5_000,
        perAttemptTimeoutMs: 10_000,
        target: 'appliance',
      });
      expect(options.classify).toBe(classify);
    });

    it('takes the configured knobs', () => {
      const transport = createTransport({
        origin: 'https://a.example.com',
        perAttemptTimeoutMs: 1_234,
        retry: { maxAttempts: 7, baseDelayMs: 11, maxDelayMs: 99 },
      });

      expect(transport.retryOptions(deadlineIn(1_000), 'x')).toMatchObject({
        maxAttempts: 7,
        baseDelayMs: 11,
        maxDelayMs: 99,
        perAttemptTimeoutMs: 1_234,
      });
    });

    it('says which call had no time left, as a retryable budget-exhausted failure', () => {
      const options = createTransport({ origin: 'https://a.example.com' }).retryOptions(deadlineIn(0), 'list sessions');

      const error = options.onBudgetExhausted();

      expect(error).toBeInstanceOf(SourceApiError);
      expect(error).toMatchObject({
        failure: 'budget-exhausted',
        retryable: true,
        message: 'backup appliance: no time left to list sessions',
      });
    });

    it('logs each retry with the call, attempt, delay and what failed', () => {
      const { lines, messages, log } = recordingLog();
      const options = createTransport({ origin: 'https://a.example.com', logger: log }).retryOptions(
        deadlineIn(1_000),
        'read session 38',
      );

      options.onRetry?.({
        attempt: 2,
        delayMs: 150,
        error: new SourceApiError('unavailable', 'busy', { statusCode: 503 }),
      });
      options.onRetry?.({ attempt: 1, delayMs: 10, error: new Error('socket hang up') });
      options.onRetry?.({ attempt: 1, delayMs: 10, error: 'not an error' });

      expect(messages).toEqual([
        'backup appliance call failed; retrying',
        'backup appliance call failed; retrying',
        'backup appliance call failed; retrying',
      ]);
      expect(JSON.parse(lines[0]?.slice(messages[0]?.length) ?? '')).toEqual([
        { what: 'read session 38', attempt: 2, delayMs: 150, failure: 'unavailable', statusCode: 503, reason: 'busy' },
      ]);
      expect(JSON.parse(lines[1]?.slice(messages[1]?.length) ?? '')).toEqual([
        { what: 'read session 38', attempt: 1, delayMs: 10, reason: 'socket hang up' },
      ]);
      expect(JSON.parse(lines[2]?.slice(messages[2]?.length) ?? '')).toEqual([
        { what: 'read session 38', attempt: 1, delayMs: 10 },
      ]);
    });

    it('retries quietly without a logger', () => {
      const options = createTransport({ origin: 'https://a.example.com' }).retryOptions(deadlineIn(1_000), 'x');

      expect(() => options.onRetry?.({ attempt: 1, delayMs: 1, error: new Error('x') })).not.toThrow();
    });
  });
});

describe('readBody', () => {
  it('feeds every chunk of a complete body, in order', async () => {
    const { origin } = await serve((res) => {
      res.write('first,');
      setTimeout(() => res.end('second'), 10);
    });
    const response = await httpRequest(`${origin}/log`, {
      method: 'GET',
      headers: {},
      timeoutMs: 5_000,
      agents: agents(),
    });
    const chunks: string[] = [];

    await readBody(response, (chunk) => chunks.push(chunk.toString('utf8')));

    expect(chunks.join('')).toBe('first,second');
  });

  it('fails with ECONNRESET when the body is cut short', async () => {
    const { origin } = await serve((res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"log":[');
      setTimeout(() => res.destroy(), 20);
    });
    const response = await httpRequest(`${origin}/log`, {
      method: 'GET',
      headers: {},
      timeoutMs: 5_000,
      agents: agents(),
    });

    const error = await rejection(
      readBody(response, () => {}),
      Error,
    );

    expect((error as Error & { code?: string }).code).toBe('ECONNRESET');
  });

  /** Serves `size` bytes of spaces in 1 MiB writes, minding back-pressure. */
  async function serveBytes(size: number) {
    const block = Buffer.alloc(1024 * 1024, 0x20);
    return serve((res) => {
      let left = size;
      const more = (): void => {
        while (left > 0) {
          const part = left >= block.length ? block : block.subarray(0, left);
          left -= part.length;
          if (!res.write(part)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
  }

  async function readAll(size: number): Promise<{ fed: number; error: unknown }> {
    const { origin } = await serveBytes(size);
    const response = await httpRequest(`${origin}/log`, {
      method: 'GET',
      headers: {},
      timeoutMs: 10_000,
      agents: agents(),
    });
    let fed = 0;
    const error = await readBody(response, (chunk) => {
      fed += chunk.length;
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { fed, error };
  }

  it(`reads a body of exactly ${MAX_BODY_BYTES / 1024 / 1024} MiB`, async () => {
    const { fed, error } = await readAll(MAX_BODY_BYTES);

    expect(error).toBeUndefined();
    expect(fed).toBe(MAX_BODY_BYTES);
  });

  it('fails as too large one byte past the limit, before feeding the byte', async () => {
    const { fed, error } = await readAll(MAX_BODY_BYTES + 1);

    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(fed).toBeLessThanOrEqual(MAX_BODY_BYTES);
  });
});
