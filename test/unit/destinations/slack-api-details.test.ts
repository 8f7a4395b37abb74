import { describe, expect, it } from 'vitest';
import { type AttemptCounts, countingAttempts } from '../../../src/attempts.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { createSlackWebApi } from '../../../src/destinations/slack-api.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { rejection } from '../../support/rejection.ts';
import { requestRecorderPerTest, slackEmulatorPerTest } from './local-servers.ts';

const TOKEN = 'xoxb-unit-test-0123456789-abcdefABCDEF';

const emulated = slackEmulatorPerTest(TOKEN, ['C0OPS']);
const recorder = requestRecorderPerTest();

function api(apiUrl: string) {
  return createSlackWebApi({
    apiUrl,
    token: async () => TOKEN,
    perAttemptTimeoutMs: 2_000,
    retry: { baseDelayMs: 0, maxAttempts: 3 },
  });
}

describe('how a Slack Web API call is sent', () => {
  it('uses the POST method', async () => {
    const server = await recorder({ status: 200, body: '{"ok":true}' });

    await api(`${server.url}/api`).call('chat.postMessage', { channel: 'C0OPS' }, deadlineIn(5_000));

    expect(server.requests).toEqual(['POST /api/chat.postMessage']);
  });

  it('counts every attempt, the retried one included, as an attempt at slack', async () => {
    const e = await emulated();
    e.failNext(1, { retryAfterSeconds: 0 });
    const counts: AttemptCounts = {};

    await countingAttempts(counts, () =>
      api(e.url).call('chat.postMessage', { channel: 'C0OPS', text: 'x' }, deadlineIn(5_000)),
    );

    expect(counts).toEqual({ slack: 2 });
  });
});

describe('what a failed Slack Web API call says', () => {
  it('keeps Slack’s refusal as the cause, named SlackApiAnswerError with the status and code', async () => {
    const e = await emulated();
    e.failNext(1, { error: 'channel_not_found' });

    const error = await rejection(api(e.url).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ name: 'SlackApiAnswerError', message: 'channel_not_found', status: 200 });
  });

  it('names slack as the destination when Slack cannot be reached', async () => {
    const e = await emulated();
    const url = e.url;
    await e.close();

    const error = await rejection(api(url).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

    expect(error.message).toContain('could not be reached (ECONNREFUSED)');
    expect(error.destination).toBe('slack');
  });

  it('names slack as the destination when no time is left to call', async () => {
    const e = await emulated();

    const error = await rejection(api(e.url).call('chat.postMessage', {}, { remainingMs: () => 50 }), DeliveryError);

    expect(error.message).toBe(`no time left to call chat.postMessage on slack (${new URL(e.url).host})`);
    expect(error.destination).toBe('slack');
  });
});
