import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest } from '../../../src/http/client.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A local server that sends the first half of its body at once and the rest only when told (or never). */
async function halfBodyServer(): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '10' });
    res.write('hello');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('httpRequest and an abort signal', () => {
  it('ends a body read when the signal aborts mid-body, as a cut-short (transient) body', async () => {
    const url = await halfBodyServer();
    const controller = new AbortController();
    const response = await httpRequest(url, { method: 'GET', timeoutMs: 5_000, signal: controller.signal });
    const reading = response.text();

    controller.abort(new DOMException('attempt timed out after 5 ms', 'TimeoutError'));

    const error = await reading.catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'response body was cut short', code: 'ECONNRESET' });
  });

  it('sends nothing and rejects when the signal is already aborted', async () => {
    let requests = 0;
    server = createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const error = await httpRequest(url, { method: 'GET', timeoutMs: 5_000, signal: AbortSignal.abort('stop') }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ name: 'AbortError', cause: 'stop' });
    expect(requests).toBe(0);
  });

  it('lets go of the signal once the answer has been read', async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const controller = new AbortController();

    const response = await httpRequest(url, {
      method: 'POST',
      body: '{}',
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    expect(await response.text()).toBe('ok');

    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
