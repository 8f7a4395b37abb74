import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { type SlackEmulator, startSlackEmulator } from '../../../src/dev/slack-emulator.ts';
import { startWebhookSink, type WebhookSink } from '../../../src/dev/webhook-sink.ts';

/** Starts a webhook sink per call, each closed after its test (closing it early in the test is fine). */
export function sinkPerTest(): () => Promise<WebhookSink> {
  const open: WebhookSink[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async () => {
    const sink = await startWebhookSink();
    open.push(sink);
    return sink;
  };
}

/** Starts a Slack Web API emulator per call for `token` and `channels`, each closed after its test. */
export function slackEmulatorPerTest(token: string, channels: readonly string[]): () => Promise<SlackEmulator> {
  const open: SlackEmulator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });
  return async () => {
    const emulator = await startSlackEmulator({ token, channels });
    open.push(emulator);
    return emulator;
  };
}

/** A server on 127.0.0.1 that records each request as "METHOD /path" and answers every one with `reply`. */
export interface RequestRecorder {
  readonly url: string;
  readonly requests: string[];
}

/** Starts a request recorder per call, each closed after its test. */
export function requestRecorderPerTest(): (reply: { status: number; body: string }) => Promise<RequestRecorder> {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      open.splice(0).map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  });
  return async (reply) => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body));
    });
    open.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
  };
}
