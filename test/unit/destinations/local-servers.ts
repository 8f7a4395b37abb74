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
