import { describe, expect, it } from 'vitest';
import { GenericWebhookSchema } from '../../src/core/render/generic.ts';
import type { SlackMessage } from '../../src/core/render/slack.ts';
import type { TeamsMessage } from '../../src/core/render/teams.ts';
import { sampleFromLog, sampleLog } from '../../src/dev/sample-sessions.ts';
import type { WebhookSink } from '../../src/dev/webhook-sink.ts';
import type { DeliveryError } from '../../src/errors.ts';
import type { NotifyResult } from '../../src/notify.ts';
import { type Harness, harnessPerTest } from '../support/harness.ts';
import { rejection } from '../support/rejection.ts';

const start = harnessPerTest();

const ROUTING_KEY = 'R0uting0Key0Harness0123456789abc';
const pagerDuty =
  (extra: Record<string, string | undefined> = {}) =>
  (sink: WebhookSink) => ({
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: `${sink.url}/pagerduty/v2/enqueue`,
    ...extra,
  });

const slackOf = (h: Harness, i = 0) => h.sink.postsTo('slack')[i]?.json as SlackMessage;
function cardOf(h: Harness, i = 0): TeamsMessage['attachments'][0]['content'] {
  const post = h.sink.postsTo('teams')[i];
  if (post === undefined) throw new Error(`no Teams post #${i}`);
  return (post.json as TeamsMessage).attachments[0].content;
}
const pagerDutyEvents = (h: Harness) => h.sink.postsTo('pagerduty').map((p) => p.json as Record<string, unknown>);
const logs = (h: Harness) => h.output.join('');

/** The same policy failing again the next night. */
const nextNightFailure = () => {
  const log = sampleLog('77').log ?? [];
  return sampleFromLog('79', 'Nightly-Azure-VMs', log.length, () => log);
};

/** A success of the policy session 77 failed for: the next night's run. */
const nextNightSuccess = () => {
  const log = sampleLog('38').log ?? [];
  return sampleFromLog('78', 'Nightly-Azure-VMs', log.length, () => log);
};

describe('alerts with session context', () => {
  describe('for the failed session 77', () => {
    it('reads the session alongside its log and names the job in the headline', async () => {
      const h = await start();

      await h.invoke({ sessionId: '77' });

      expect(h.emulator.requestsTo('session').map((r) => r.path)).toEqual(['/api/v1/jobSessions/77']);
      expect(slackOf(h).blocks[0]).toMatchObject({ text: { text: '❌ Nightly-Azure-VMs failed — session 77' } });
      expect(slackOf(h).text).toMatch(/^❌ Nightly-Azure-VMs failed — session 77/);
      expect(cardOf(h).body[0]).toMatchObject({ text: '❌ Nightly-Azure-VMs failed — session 77' });
      expect(JSON.stringify(slackOf(h))).toContain('*Job*\\nNightly-Azure-VMs (Policy Backup)');
      expect(JSON.stringify(cardOf(h))).toContain('"title":"Appliance status","value":"Error"');
    });

    it('costs one round trip: the session and the log are read in parallel', async () => {
      const h = await start();
      await h.invoke({ sessionId: '38' }); // token and connections warm
      h.emulator.enqueueFaults('log', [{ kind: 'slow', delayMs: 800 }]);
      h.emulator.enqueueFaults('session', [{ kind: 'slow', delayMs: 800 }]);

      const started = Date.now();
      await h.invoke({ sessionId: '77' });
      const elapsed = Date.now() - started;

      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(1_500); // one after the other would take 1.6 s
      expect(slackOf(h, 1).text).toContain('Nightly-Azure-VMs');
    });

    it("shows start and end in each reader's time zone, with the UTC time as fallback", async () => {
      const h = await start();

      await h.invoke({ sessionId: '77' });

      const slack = JSON.stringify(slackOf(h));
      expect(slack).toMatch(/Started <!date\^\d+\^\{date_short_pretty\} at \{time\}\|2024-03-12 01:00:04 UTC>/);
      const card = JSON.stringify(cardOf(h));
      expect(card).toContain('{{DATE(2024-03-12T01:00:04Z, SHORT)}} {{TIME(2024-03-12T01:00:04Z)}}');
      expect(card).toContain('2024-03-12 01:00:04 UTC');
    });
  });

  describe('when the session call fails', () => {
    it('still alerts from the log alone and says the job name is unknown', async () => {
      const h = await start();
      h.emulator.setFault('session', { status: 403 });

      const result = await h.invoke({ sessionId: '77' });

      expect(result).toMatchObject({ outcome: 'failed', delivered: ['slack', 'teams'] });
      expect(slackOf(h).blocks[0]).toMatchObject({ text: { text: '❌ Unknown job failed — session 77' } });
      expect(JSON.stringify(slackOf(h))).toContain('_unknown (session details unavailable)_');
      expect(JSON.stringify(cardOf(h))).toContain('unknown (session details unavailable)');
    });

    it('does not wait more than the grace period for a session call that hangs', async () => {
      const h = await start();
      h.emulator.setFault('session', { kind: 'hang' });

      const started = Date.now();
      await h.invoke({ sessionId: '77' });

      expect(Date.now() - started).toBeLessThan(3_500);
      expect(slackOf(h).text).toMatch(/^❌ Unknown job failed/);
    });
  });

  describe('when the event names the policy', () => {
    it("keeps the appliance's name, so an event cannot speak for (or resolve) another policy", async () => {
      const h = await start(pagerDuty());

      await h.invoke({ sessionId: '38', policyName: 'Nightly-Azure-VMs' });

      expect(slackOf(h).text).toMatch(/^✅ Daily-tw-vm2 succeeded — session 38/);
      expect(pagerDutyEvents(h)).toEqual([
        expect.objectContaining({
          event_action: 'resolve',
          dedup_key: expect.stringMatching(/\/policy\/Daily-tw-vm2$/),
        }),
      ]);
    });

    it("uses the event's name only when the session call fails, and sends no resolve on its word", async () => {
      const h = await start(pagerDuty());
      h.emulator.setFault('session', { status: 403 });

      await h.invoke({ sessionId: '38', policyName: 'Nightly-Azure-VMs' });

      expect(slackOf(h).text).toMatch(/^✅ Nightly-Azure-VMs succeeded — session 38/);
      expect(pagerDutyEvents(h)).toEqual([]);
    });
  });

  describe('with SESSION_URL_TEMPLATE', () => {
    it('adds a button to the session in the console: a Slack link button and a Teams Action.OpenUrl', async () => {
      const h = await start({ SESSION_URL_TEMPLATE: 'https://appliance.example.com/#/sessions/{sessionId}' });

      await h.invoke({ sessionId: '77' });

      expect(slackOf(h).blocks.at(-1)).toEqual({
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open session in console', emoji: true },
            url: 'https://appliance.example.com/#/sessions/77',
            action_id: 'open-session',
          },
        ],
      });
      expect(cardOf(h).actions).toEqual([
        {
          type: 'Action.OpenUrl',
          title: 'Open session in console',
          url: 'https://appliance.example.com/#/sessions/77',
        },
      ]);
    });
  });
});

describe('who is told, and how loudly', () => {
  describe('per-destination thresholds', () => {
    it('skips a destination whose threshold the session is below, lists it as skipped and logs it', async () => {
      const h = await start({ SLACK_NOTIFY_ON: 'failures', TEAMS_NOTIFY_ON: 'problems' });

      const result = (await h.invoke({ sessionId: '52' })) as NotifyResult;

      expect(result.outcome).toBe('warning');
      expect(result.delivered).toEqual(['teams']);
      expect(result.skipped).toEqual([
        { destination: 'slack', reason: 'SLACK_NOTIFY_ON=failures and the session is warning' },
      ]);
      expect(h.sink.postsTo('slack')).toHaveLength(0);
      expect(h.sink.postsTo('teams')).toHaveLength(1);
      expect(logs(h)).toContain('SLACK_NOTIFY_ON=failures and the session is warning');
    });

    it('tells nobody about a success when both want problems only', async () => {
      const h = await start({ SLACK_NOTIFY_ON: 'problems', TEAMS_NOTIFY_ON: 'problems' });

      const result = (await h.invoke({ sessionId: '38' })) as NotifyResult;

      expect(result.delivered).toEqual([]);
      expect(result.skipped?.map((s) => s.destination)).toEqual(['slack', 'teams']);
      expect(h.sink.posts).toHaveLength(0);
    });

    it('still tells a failures-only destination about a failure', async () => {
      const h = await start({ SLACK_NOTIFY_ON: 'failures', TEAMS_NOTIFY_ON: 'failures' });

      const result = (await h.invoke({ sessionId: '77' })) as NotifyResult;

      expect(result.delivered).toEqual(['slack', 'teams']);
      expect(result.skipped).toBeUndefined();
    });
  });

  describe('mentions', () => {
    const MENTIONS = {
      SLACK_MENTION_ON_FAILURE: '<!subteam^S0123ABC>',
      TEAMS_MENTION_ON_FAILURE: 'alice@contoso.com|Alice Smith',
    };

    it('pings the configured Slack group and Teams person on a failure', async () => {
      const h = await start(MENTIONS);

      await h.invoke({ sessionId: '77' });

      expect(slackOf(h).text.startsWith('<!subteam^S0123ABC> ❌ Nightly-Azure-VMs failed')).toBe(true);
      expect(slackOf(h).blocks[1]).toEqual({
        type: 'section',
        text: { type: 'mrkdwn', text: '🔔 <!subteam^S0123ABC> please take a look.' },
      });
      expect(cardOf(h).body[1]).toMatchObject({
        type: 'TextBlock',
        text: '🔔 <at>Alice Smith</at> please take a look.',
      });
      expect(cardOf(h).msteams).toEqual({
        width: 'Full',
        entities: [
          {
            type: 'mention',
            text: '<at>Alice Smith</at>',
            mentioned: { id: 'alice@contoso.com', name: 'Alice Smith' },
          },
        ],
      });
    });

    it('never pings for warnings by default', async () => {
      const h = await start(MENTIONS);

      await h.invoke({ sessionId: '52' });

      expect(JSON.stringify(slackOf(h))).not.toContain('subteam');
      expect(JSON.stringify(cardOf(h))).not.toContain('<at>');
      expect(cardOf(h).msteams).toEqual({ width: 'Full' });
    });

    it('pings for warnings too with SLACK_MENTION_ON=problems and TEAMS_MENTION_ON=problems', async () => {
      const h = await start({ ...MENTIONS, SLACK_MENTION_ON: 'problems', TEAMS_MENTION_ON: 'problems' });

      await h.invoke({ sessionId: '52' });

      expect(slackOf(h).text.startsWith('<!subteam^S0123ABC> ⚠️ Weekly-SQL-Servers finished with warnings')).toBe(true);
      expect(cardOf(h).msteams.entities).toHaveLength(1);
    });
  });

  describe('PagerDuty', () => {
    it('triggers one critical incident per failing policy, keyed by appliance host and policy, night after night', async () => {
      const h = await start(
        pagerDuty({ SESSION_URL_TEMPLATE: 'https://appliance.example.com/#/sessions/{sessionId}' }),
      );
      const host = new URL(h.emulator.url).host;

      h.emulator.addSession(nextNightFailure());

      const result = await h.invoke({ sessionId: '77' });
      await h.invoke({ sessionId: '79' });

      expect(result).toMatchObject({ delivered: ['slack', 'teams', 'pagerduty'] });
      const [first, second] = pagerDutyEvents(h);
      expect(first).toMatchObject({
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: `${host}/policy/Nightly-Azure-VMs`,
        payload: {
          summary: '❌ Nightly-Azure-VMs failed — session 77',
          source: host,
          severity: 'critical',
          component: 'Nightly-Azure-VMs',
          custom_details: { session_id: '77', outcome: 'failed', failed_steps: 2 },
        },
        links: [{ href: 'https://appliance.example.com/#/sessions/77', text: 'Open session in the backup console' }],
      });
      expect(second?.dedup_key).toBe(first?.dedup_key);
      expect(h.sink.postsTo('pagerduty')[0]?.path).toBe('/pagerduty/v2/enqueue');
    });

    it("resolves the policy's incident when its next session succeeds", async () => {
      const h = await start(pagerDuty());
      h.emulator.addSession(nextNightSuccess());

      await h.invoke({ sessionId: '77' });
      await h.invoke({ sessionId: '78' });

      const [trigger, resolve] = pagerDutyEvents(h);
      expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger?.dedup_key });
    });

    it('does not page for warnings unless PAGERDUTY_NOTIFY_ON=problems', async () => {
      const quiet = await start(pagerDuty());
      const result = (await quiet.invoke({ sessionId: '52' })) as NotifyResult;
      expect(quiet.sink.postsTo('pagerduty')).toHaveLength(0);
      expect(result.skipped).toEqual([
        { destination: 'pagerduty', reason: 'PAGERDUTY_NOTIFY_ON=failures and the session is warning' },
      ]);
      await quiet.close();

      const loud = await start(pagerDuty({ PAGERDUTY_NOTIFY_ON: 'problems' }));
      await loud.invoke({ sessionId: '52' });
      expect(pagerDutyEvents(loud)).toMatchObject([
        { event_action: 'trigger', payload: { severity: 'warning', summary: expect.stringContaining('Weekly-SQL') } },
      ]);
    });

    it('keys by session ID when the policy is unknown, and never leaks the routing key into the logs', async () => {
      const h = await start(pagerDuty());
      h.emulator.setFault('session', { status: 404 });

      await h.invoke({ sessionId: '77' });

      expect(pagerDutyEvents(h)[0]?.dedup_key).toBe(`${new URL(h.emulator.url).host}/session/77`);
      expect(logs(h)).not.toContain(ROUTING_KEY);
    });

    it('fails the invocation as not retryable when PagerDuty rejects the event (400); the chats still get theirs', async () => {
      const h = await start(pagerDuty());
      h.sink.enqueue('pagerduty', {
        status: 400,
        body: '{"status":"invalid event","message":"Event object is invalid"}',
      });

      const error = await rejection(h.invoke({ sessionId: '77' }));

      expect(error.message).toContain('pagerduty');
      expect((error.cause as DeliveryError).retryable).toBe(false);
      expect(error.message).not.toContain(ROUTING_KEY);
      expect(h.sink.postsTo('slack')).toHaveLength(1);
      expect(h.sink.postsTo('teams')).toHaveLength(1);
    });

    it('is enough on its own as a destination', async () => {
      const h = await start((sink) => ({
        ...pagerDuty()(sink),
        SLACK_WEBHOOK_URL: undefined,
        TEAMS_WEBHOOK_URL: undefined,
      }));

      const result = await h.invoke({ sessionId: '77' });

      expect(result).toMatchObject({ delivered: ['pagerduty'] });
    });
  });

  describe('the generic JSON webhook', () => {
    it('receives the version-1 summary, valid against its published schema, with raw text', async () => {
      const h = await start((sink) => ({
        GENERIC_WEBHOOK_URL: sink.urlFor('generic'),
        SESSION_URL_TEMPLATE: 'https://appliance.example.com/#/sessions/{sessionId}',
      }));

      const result = await h.invoke({ sessionId: '77' });

      expect(result).toMatchObject({ delivered: ['slack', 'teams', 'generic'] });
      const body = GenericWebhookSchema.parse(h.sink.postsTo('generic')[0]?.json);
      expect(body).toMatchObject({
        schemaVersion: 1,
        kind: 'summary',
        sessionId: '77',
        outcome: 'failed',
        severity: 'failed',
        headline: '❌ Nightly-Azure-VMs failed — session 77',
        job: {
          policyName: 'Nightly-Azure-VMs',
          type: 'Policy Backup',
          applianceStatus: 'Error',
          detailsAvailable: true,
        },
        url: 'https://appliance.example.com/#/sessions/77',
        steps: { total: 6, failed: 2, warning: 1 },
        readError: null,
      });
      expect(body.problems[0]?.message).toContain("Snapshot backup of 'db-01' has failed");
    });

    it('skips a session below GENERIC_NOTIFY_ON', async () => {
      const h = await start((sink) => ({ GENERIC_WEBHOOK_URL: sink.urlFor('generic'), GENERIC_NOTIFY_ON: 'failures' }));

      const result = (await h.invoke({ sessionId: '52' })) as NotifyResult;

      expect(h.sink.postsTo('generic')).toHaveLength(0);
      expect(result.skipped).toEqual([
        { destination: 'generic', reason: 'GENERIC_NOTIFY_ON=failures and the session is warning' },
      ]);
    });

    it('describes an unreadable session too', async () => {
      const h = await start((sink) => ({ GENERIC_WEBHOOK_URL: sink.urlFor('generic') }));

      await h.invoke({ sessionId: '999' });

      const body = GenericWebhookSchema.parse(h.sink.postsTo('generic')[0]?.json);
      expect(body).toMatchObject({ kind: 'problem', outcome: 'unreadable', readError: { failure: 'not-found' } });
    });
  });
});
