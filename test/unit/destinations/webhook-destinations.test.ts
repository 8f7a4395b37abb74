import { describe, expect, it } from 'vitest';
import { renderGeneric } from '../../../src/core/render/generic.ts';
import { pagerDutyEvent } from '../../../src/core/render/pagerduty.ts';
import { renderSlack } from '../../../src/core/render/slack.ts';
import { renderTeams } from '../../../src/core/render/teams.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { createGenericDestination, interpretGeneric } from '../../../src/destinations/generic.ts';
import { createPagerDutyDestination, interpretPagerDuty } from '../../../src/destinations/pagerduty.ts';
import { createSlackDestination, interpretSlack } from '../../../src/destinations/slack.ts';
import { createTeamsDestination, interpretTeams } from '../../../src/destinations/teams.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { rejection } from '../../support/rejection.ts';
import { sinkPerTest } from './local-servers.ts';
import { summaryNotification } from './notifications.ts';

const ROUTING_KEY = 'R0123456789abcdefABCDEF0123456789';
const transport = { perAttemptTimeoutMs: 2_000, retry: { baseDelayMs: 0, maxAttempts: 2 } };

const started = sinkPerTest();

describe('what each service’s answer means', () => {
  it('Slack accepts any 2xx and refuses the rest', () => {
    expect(interpretSlack(200, 'ok')).toEqual({ ok: true });
    expect(interpretSlack(299, '')).toEqual({ ok: true });
    expect(interpretSlack(199, 'x')).toEqual({ ok: false, reason: 'HTTP 199 x' });
    expect(interpretSlack(300, 'x')).toEqual({ ok: false, reason: 'HTTP 300 x' });
    expect(interpretSlack(410, 'channel_is_archived')).toEqual({
      ok: false,
      reason: 'HTTP 410 channel_is_archived (webhook revoked or disabled)',
    });
  });

  it('Teams accepts only 200 and 202', () => {
    expect(interpretTeams(200, '')).toEqual({ ok: true });
    expect(interpretTeams(202, '')).toEqual({ ok: true });
    expect(interpretTeams(201, '')).toEqual({ ok: false, reason: 'HTTP 201' });
    expect(interpretTeams(204, '')).toEqual({ ok: false, reason: 'HTTP 204' });
    expect(interpretTeams(404, 'gone')).toEqual({ ok: false, reason: 'HTTP 404 gone (webhook revoked or disabled)' });
  });

  it('PagerDuty accepts 200 and 202, and calls a 400 a rejected event', () => {
    expect(interpretPagerDuty(202, '')).toEqual({ ok: true });
    expect(interpretPagerDuty(200, '')).toEqual({ ok: true });
    expect(interpretPagerDuty(201, '')).toEqual({ ok: false, reason: 'HTTP 201' });
    expect(interpretPagerDuty(400, '{"status":"invalid event"}')).toEqual({
      ok: false,
      reason: 'HTTP 400 {"status":"invalid event"} (event rejected: check the routing key)',
    });
    expect(interpretPagerDuty(401, 'no')).toEqual({ ok: false, reason: 'HTTP 401 no' });
  });

  it('a generic webhook accepts any 2xx and refuses the rest', () => {
    expect(interpretGeneric(200, '')).toEqual({ ok: true });
    expect(interpretGeneric(299, '')).toEqual({ ok: true });
    expect(interpretGeneric(199, 'x')).toEqual({ ok: false, reason: 'HTTP 199 x' });
    expect(interpretGeneric(300, 'x')).toEqual({ ok: false, reason: 'HTTP 300 x' });
    expect(interpretGeneric(404, 'x')).toEqual({ ok: false, reason: 'HTTP 404 x' });
  });
});

describe('createSlackDestination', () => {
  it('posts the rendered message to the webhook, mentioning on a failure', async () => {
    const s = await started();
    const destination = createSlackDestination({
      ...transport,
      webhookUrl: async () => s.urlFor('slack'),
      mention: '<!here>',
    });
    const notification = summaryNotification('77', 'failed', { policy: 'SQL' });

    const answer = await destination.post(notification, deadlineIn(5_000));

    expect(answer).toBeUndefined();
    expect(destination.name).toBe('slack');
    expect(s.postsTo('slack').map((p) => p.json)).toEqual([
      JSON.parse(JSON.stringify(renderSlack(notification, { mention: '<!here>' }))),
    ]);
  });

  it('does not mention on a warning by default, but does with mentionOn problems', async () => {
    const s = await started();
    const quiet = createSlackDestination({
      ...transport,
      webhookUrl: async () => s.urlFor('slack'),
      mention: '<!here>',
    });
    const loud = createSlackDestination({
      ...transport,
      webhookUrl: async () => s.urlFor('slack'),
      mention: '<!here>',
      mentionOn: 'problems',
    });

    await quiet.post(summaryNotification('52', 'warning'), deadlineIn(5_000));
    await loud.post(summaryNotification('52', 'warning'), deadlineIn(5_000));

    const texts = s.postsTo('slack').map((p) => (p.json as { text: string }).text);
    expect(texts[0]).not.toContain('<!here>');
    expect(texts[1]?.startsWith('<!here> ')).toBe(true);
  });

  it('skips below SLACK_NOTIFY_ON without reading the webhook URL', async () => {
    const read: string[] = [];
    const destination = createSlackDestination({
      ...transport,
      notifyOn: 'problems',
      webhookUrl: async () => {
        read.push('url');
        return 'http://127.0.0.1:9/never';
      },
    });

    const answer = await destination.post(summaryNotification('38', 'success'), deadlineIn(5_000));

    expect(answer).toEqual({ skipped: 'SLACK_NOTIFY_ON=problems and the session is succeeded' });
    expect(read).toEqual([]);
  });

  it('fails, not retryable, when the webhook was revoked', async () => {
    const s = await started();
    s.enqueue('slack', { status: 404, body: 'no_service' });
    const destination = createSlackDestination({ ...transport, webhookUrl: async () => s.urlFor('slack') });

    const error = await rejection(
      destination.post(summaryNotification('1', 'failed'), deadlineIn(5_000)),
      DeliveryError,
    );

    expect(error.message).toBe(
      `slack (${new URL(s.url).host}) answered HTTP 404 no_service (webhook revoked or disabled)`,
    );
    expect(error.retryable).toBe(false);
    expect(error.destination).toBe('slack');
  });
});

describe('createTeamsDestination', () => {
  it('posts the Adaptive Card and skips below TEAMS_NOTIFY_ON', async () => {
    const s = await started();
    const destination = createTeamsDestination({
      ...transport,
      notifyOn: 'failures',
      webhookUrl: async () => s.urlFor('teams'),
    });
    const failed = summaryNotification('77', 'failed');

    await destination.post(failed, deadlineIn(5_000));
    const skipped = await destination.post(summaryNotification('52', 'warning'), deadlineIn(5_000));

    expect(destination.name).toBe('teams');
    expect(s.postsTo('teams').map((p) => p.json)).toEqual([
      JSON.parse(JSON.stringify(renderTeams(failed, { mention: undefined }))),
    ]);
    expect(skipped).toEqual({ skipped: 'TEAMS_NOTIFY_ON=failures and the session is warning' });
  });

  it('fails on a 201 answer (Teams accepts only 200 and 202)', async () => {
    const s = await started();
    s.enqueue('teams', { status: 201, body: '' });
    const destination = createTeamsDestination({ ...transport, webhookUrl: async () => s.urlFor('teams') });

    const error = await rejection(
      destination.post(summaryNotification('1', 'failed'), deadlineIn(5_000)),
      DeliveryError,
    );

    expect(error.message).toBe(`teams (${new URL(s.url).host}) answered HTTP 201`);
  });
});

describe('createPagerDutyDestination', () => {
  const pagerDuty = (eventsUrl: string) =>
    createPagerDutyDestination({
      ...transport,
      routingKey: async () => ROUTING_KEY,
      eventsUrl,
      source: 'appliance.example.com',
      notifyOn: 'failures',
    });

  it('triggers an event for a failure with the configured source', async () => {
    const s = await started();
    const notification = summaryNotification('77', 'failed', { policy: 'SQL' });

    const answer = await pagerDuty(s.urlFor('pagerduty')).post(notification, deadlineIn(5_000));

    expect(answer).toBeUndefined();
    const expected = pagerDutyEvent(notification, {
      routingKey: ROUTING_KEY,
      source: 'appliance.example.com',
      notifyOn: 'failures',
    });
    expect(s.postsTo('pagerduty').map((p) => p.json)).toEqual(['event' in expected ? expected.event : undefined]);
  });

  it('takes the source from the notification’s appliance when it names one', async () => {
    const s = await started();

    await pagerDuty(s.urlFor('pagerduty')).post(
      summaryNotification('77', 'failed', { policy: 'SQL', appliance: 'azure-west' }),
      deadlineIn(5_000),
    );

    const event = s.postsTo('pagerduty')[0]?.json as { payload: { source: string } };
    expect(event.payload.source).toBe('azure-west');
  });

  it('returns the renderer’s skip and posts nothing', async () => {
    const s = await started();

    const answer = await pagerDuty(s.urlFor('pagerduty')).post(summaryNotification('52', 'warning'), deadlineIn(5_000));

    expect(answer).toEqual({ skipped: 'PAGERDUTY_NOTIFY_ON=failures and the session is warning' });
    expect(s.posts).toHaveLength(0);
  });

  it('fails, not retryable, naming the routing key when PagerDuty rejects the event', async () => {
    const s = await started();
    s.enqueue('pagerduty', { status: 400, body: 'Invalid routing key' });

    const error = await rejection(
      pagerDuty(s.urlFor('pagerduty')).post(summaryNotification('77', 'failed'), deadlineIn(5_000)),
      DeliveryError,
    );

    expect(error.message).toBe(
      `pagerduty (${new URL(s.url).host}) answered HTTP 400 Invalid routing key (event rejected: check the routing key)`,
    );
    expect(error.destination).toBe('pagerduty');
    expect(error.retryable).toBe(false);
  });
});

describe('createGenericDestination', () => {
  const generic = (url: string, notifyOn: 'all' | 'failures' = 'all') =>
    createGenericDestination({ ...transport, webhookUrl: async () => url, appliance: 'default', notifyOn });

  it('posts the versioned summary with the configured appliance, or the notification’s', async () => {
    const s = await started();
    const plain = summaryNotification('38', 'success');
    const fleet = summaryNotification('39', 'success', { appliance: 'vbr-1' });

    await generic(s.urlFor('generic')).post(plain, deadlineIn(5_000));
    await generic(s.urlFor('generic')).post(fleet, deadlineIn(5_000));

    expect(generic('x').name).toBe('generic');
    expect(s.postsTo('generic').map((p) => p.json)).toEqual([
      JSON.parse(JSON.stringify(renderGeneric(plain, 'default'))),
      JSON.parse(JSON.stringify(renderGeneric(fleet, 'vbr-1'))),
    ]);
  });

  it('skips below GENERIC_NOTIFY_ON', async () => {
    const s = await started();

    const answer = await generic(s.urlFor('generic'), 'failures').post(
      summaryNotification('38', 'success'),
      deadlineIn(5_000),
    );

    expect(answer).toEqual({ skipped: 'GENERIC_NOTIFY_ON=failures and the session is succeeded' });
    expect(s.posts).toHaveLength(0);
  });

  it('fails with the body’s reason on a refusal', async () => {
    const s = await started();
    s.enqueue('generic', { status: 422, body: 'schema mismatch' });

    const error = await rejection(
      generic(s.urlFor('generic')).post(summaryNotification('38', 'success'), deadlineIn(5_000)),
      DeliveryError,
    );

    expect(error.message).toBe(`generic (${new URL(s.url).host}) answered HTTP 422 schema mismatch`);
    expect(error.statusCode).toBe(422);
  });
});
