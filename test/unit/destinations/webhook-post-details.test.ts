import { describe, expect, it } from 'vitest';
import { deadlineIn } from '../../../src/deadline.ts';
import { bodyReason, postWebhook } from '../../../src/destinations/post-webhook.ts';
import { createSlackDestination } from '../../../src/destinations/slack.ts';
import { createTeamsDestination } from '../../../src/destinations/teams.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { rejection } from '../../support/rejection.ts';
import { requestRecorderPerTest, sinkPerTest } from './local-servers.ts';
import { summaryNotification } from './notifications.ts';

const recorder = requestRecorderPerTest();
const started = sinkPerTest();
const transport = { perAttemptTimeoutMs: 2_000, retry: { baseDelayMs: 0, maxAttempts: 1 } };

describe('how a webhook post is sent', () => {
  it('uses the POST method', async () => {
    const server = await recorder({ status: 200, body: 'ok' });

    await postWebhook({
      ...transport,
      destination: 'hook',
      url: `${server.url}/hook/T0/B0/secret`,
      payload: { n: 1 },
      deadline: deadlineIn(5_000),
      interpret: () => ({ ok: true }),
    });

    expect(server.requests).toEqual(['POST /hook/T0/B0/secret']);
  });

  it('keeps a refusal as the cause, named WebhookStatusError and carrying the status', async () => {
    const s = await started();
    s.enqueue('hook', { status: 400, body: 'invalid_payload' });

    const error = await rejection(
      postWebhook({
        ...transport,
        destination: 'hook',
        url: s.urlFor('hook'),
        payload: { n: 1 },
        deadline: deadlineIn(5_000),
        interpret: (status, body) => ({ ok: false, reason: bodyReason(status, body) }),
      }),
      DeliveryError,
    );

    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ name: 'WebhookStatusError', message: 'HTTP 400 invalid_payload', status: 400 });
  });
});

describe('a chat destination with no threshold set', () => {
  it('posts every session, a success included, to Slack and to Teams', async () => {
    const s = await started();
    const slack = createSlackDestination({ ...transport, webhookUrl: async () => s.urlFor('slack') });
    const teams = createTeamsDestination({ ...transport, webhookUrl: async () => s.urlFor('teams') });

    const answers = [
      await slack.post(summaryNotification('38', 'success'), deadlineIn(5_000)),
      await teams.post(summaryNotification('38', 'success'), deadlineIn(5_000)),
    ];

    expect(answers).toEqual([undefined, undefined]);
    expect(s.posts.map((p) => p.name)).toEqual(['slack', 'teams']);
  });
});
