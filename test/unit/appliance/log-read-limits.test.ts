import { describe, expect, it } from 'vitest';
import { readLogOnce } from '../../../src/appliance/log-read.ts';
import { createTransport, MAX_BODY_BYTES } from '../../../src/appliance/transport.ts';
import { SourceApiError } from '../../../src/errors.ts';
import { BodyTooLargeError } from '../../../src/http/client.ts';
import type { LogSink } from '../../../src/ports.ts';
import { loopbackServers } from '../../support/appliance-servers.ts';
import { rejection } from '../../support/rejection.ts';

const loopback = loopbackServers();

/** A transport to a loopback server answering every request with 200 and `body` as JSON. */
async function serving(body: string | Buffer) {
  const origin = await loopback.serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  return createTransport({ origin, agents: loopback.agents() });
}

/** Sinks that only count what reaches them, so a big log is not kept. */
function countingSinks() {
  const added: number[] = [];
  const createSink = (): LogSink<number> => {
    const at = added.push(0) - 1;
    return {
      add: () => {
        added[at] = (added[at] ?? 0) + 1;
      },
      finish: () => added[at] ?? 0,
    };
  };
  return { added, createSink };
}

const attempt = () => ({ attempt: 1, timeoutMs: 20_000, signal: new AbortController().signal });
const request = { sessionId: '38', path: '/api/v1/jobSessions/38/log', accessToken: 'at-1' };

/** A log entry whose JSON text is exactly `chars` characters long. */
function entryOf(chars: number): string {
  const head = '{"status":"Error","message":"';
  return `${head}${'x'.repeat(chars - head.length - 2)}"}`;
}

describe('readLogOnce holding entries back', () => {
  it('opens no sink for a log cut short after entries of exactly 256 KiB', async () => {
    const entry = entryOf(256 * 1024);
    expect(entry).toHaveLength(262_144);
    const transport = await serving(`{"jobSessionId":"38","log":[${entry}]`);
    const { added, createSink } = countingSinks();

    const error = await rejection(readLogOnce(transport, request, attempt(), createSink), SourceApiError);

    expect(error.message).toBe(
      'backup appliance: reading the log of session 38: the body is not a valid session log (malformed or truncated JSON)',
    );
    expect(added).toEqual([]);
  });

  it('streams into a sink once one character more than 256 KiB of entries has come, even if the log is then cut short', async () => {
    const transport = await serving(`{"jobSessionId":"38","log":[${entryOf(256 * 1024 + 1)}]`);
    const { added, createSink } = countingSinks();

    const error = await rejection(readLogOnce(transport, request, attempt(), createSink), SourceApiError);

    expect(error.failure).toBe('invalid-response');
    expect(added).toEqual([1]);
  });
});

describe('readLogOnce with a body past the 64 MB bound', () => {
  it('gives up reading it as too large, saying the alert comes from the session alone', async () => {
    // A valid log as far as it goes (entries of about 1 MiB), one byte longer than the bound.
    const body = Buffer.alloc(MAX_BODY_BYTES + 1, 'x');
    body.write('{"jobSessionId":"38","log":[{"status":"Error","message":"');
    for (let at = 1024 * 1024; at < body.length - 64; at += 1024 * 1024)
      body.write('"},{"status":"Error","message":"', at);
    const transport = await serving(body);
    const { createSink } = countingSinks();

    const error = await rejection(readLogOnce(transport, request, attempt(), createSink), SourceApiError);

    expect(error.failure).toBe('too-large');
    expect(error.statusCode).toBe(200);
    expect(error.message).toBe(
      'backup appliance: reading the log of session 38: the log is larger than 64 MB; summary from the session only',
    );
    expect(error.cause).toBeInstanceOf(BodyTooLargeError);
  });
});
