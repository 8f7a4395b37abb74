import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/notifier.ts';
import type { Notification } from '../../../src/core/summary.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { createMemoryDeliveryStore } from '../../../src/destinations/delivery-store.ts';
import { createRouting, DEFAULT_ROUTE, factsOf, type RoutingOptions } from '../../../src/destinations/routing.ts';
import type { WebhookSink } from '../../../src/dev/webhook-sink.ts';
import { ConfigError, DeliveryError, SecretError } from '../../../src/errors.ts';
import type { Metrics } from '../../../src/metrics.ts';
import type { Destination } from '../../../src/ports.ts';
import type { SecretReader } from '../../../src/secrets.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';
import { sinkPerTest } from './local-servers.ts';
import { summaryNotification } from './notifications.ts';

const startSink = sinkPerTest();
const ROUTING_KEY = 'R0123456789abcdefABCDEF0123456789';
const ROUTES_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:routes-AbCdEf';

/** Secrets held in memory (the reader is a port; the Secrets Manager client has its own tests), counting reads. */
function secretsOf(values: Record<string, string>): SecretReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async getSecretString(arn) {
      reads.push(arn);
      const value = values[arn];
      if (value === undefined) throw new SecretError(`could not read secret ${arn}: ResourceNotFoundException`);
      return value;
    },
  };
}

function recordingMetrics(): Metrics & { puts: string[] } {
  const puts: string[] = [];
  return {
    puts,
    put: (dimensions, values) => void puts.push(`${dimensions.destination}:${Object.keys(values).join(',')}`),
    policy: () => undefined,
  };
}

function routingOf(env: Record<string, string>, extra: Partial<RoutingOptions> = {}) {
  const config = loadConfig({
    BACKUP_API_URL: 'https://appliance.example.com',
    BACKUP_API_TOKEN: 'tok-abcdef-123456',
    ...env,
  });
  const metrics = recordingMetrics();
  const routing = createRouting(config, {
    secrets: secretsOf({}),
    hostCheck: true,
    transport: { perAttemptTimeoutMs: 2_000, retry: { baseDelayMs: 0, maxAttempts: 1 } },
    deliveryStore: createMemoryDeliveryStore(),
    logger: recordingLog().log,
    metrics,
    ...extra,
  });
  return { routing, metrics };
}

async function names(destinations: Promise<readonly Destination[]>): Promise<string[]> {
  return (await destinations).map((d) => d.name);
}

async function postAll(destinations: readonly Destination[], notification: Notification) {
  const results: unknown[] = [];
  for (const destination of destinations) results.push(await destination.post(notification, deadlineIn(5_000)));
  return results;
}

const globals = (s: WebhookSink) => ({
  SLACK_WEBHOOK_URL: s.urlFor('slack'),
  TEAMS_WEBHOOK_URL: s.urlFor('teams'),
  GENERIC_WEBHOOK_URL: s.urlFor('generic'),
  PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
  PAGERDUTY_EVENTS_URL: s.urlFor('pagerduty'),
});

describe('createRouting', () => {
  describe('without ROUTES', () => {
    it('sends everything to the global destinations, in the order slack, teams, pagerduty, generic', async () => {
      const s = await startSink();
      const { routing } = routingOf(globals(s));

      const table = await routing.table();
      const chosen = await routing.destinationsFor(summaryNotification('77', 'failed', { policy: 'SQL' }));

      expect(table.rules).toEqual([]);
      expect(table.routes).toEqual([]);
      expect(table.defaultRoute.label).toBe(DEFAULT_ROUTE);
      expect(DEFAULT_ROUTE).toBe('default route');
      expect(table.defaultRoute.slack).toEqual({ kind: 'value', value: s.urlFor('slack') });
      expect(table.defaultRoute.teams).toEqual({ kind: 'value', value: s.urlFor('teams') });
      expect(chosen.map((d) => d.name)).toEqual(['slack', 'teams', 'pagerduty', 'generic']);
      await postAll(chosen, summaryNotification('77', 'failed', { policy: 'SQL' }));
      expect(s.posts.map((p) => p.name)).toEqual(['slack', 'teams', 'pagerduty', 'generic']);
    });

    it('builds only the destinations that are configured', async () => {
      const s = await startSink();
      const { routing } = routingOf({ TEAMS_WEBHOOK_URL: s.urlFor('teams') });

      expect(await names(routing.destinationsFor(summaryNotification('1', 'failed')))).toEqual(['teams']);
      expect((await routing.table()).defaultRoute.slack).toBeUndefined();
    });

    it('builds the table once', async () => {
      const s = await startSink();
      const { routing } = routingOf({ SLACK_WEBHOOK_URL: s.urlFor('slack') });

      expect(await routing.table()).toBe(await routing.table());
    });

    it('applies the global thresholds: SLACK_NOTIFY_ON, TEAMS_NOTIFY_ON, GENERIC_NOTIFY_ON, PAGERDUTY_NOTIFY_ON', async () => {
      const s = await startSink();
      const { routing } = routingOf({
        ...globals(s),
        SLACK_NOTIFY_ON: 'failures',
        TEAMS_NOTIFY_ON: 'failures',
        GENERIC_NOTIFY_ON: 'failures',
      });
      const warning = summaryNotification('52', 'warning', { policy: 'SQL' });

      const results = await postAll(await routing.destinationsFor(warning), warning);

      expect(results).toEqual([
        { skipped: 'SLACK_NOTIFY_ON=failures and the session is warning' },
        { skipped: 'TEAMS_NOTIFY_ON=failures and the session is warning' },
        { skipped: 'PAGERDUTY_NOTIFY_ON=failures and the session is warning' },
        { skipped: 'GENERIC_NOTIFY_ON=failures and the session is warning' },
      ]);
      expect(s.posts).toEqual([]);
    });

    it('appends the default extras under their own names, idempotent and measured like the rest', async () => {
      const s = await startSink();
      const posted: string[] = [];
      const app: Destination = {
        name: 'slack',
        async post(notification) {
          posted.push(notification.kind === 'summary' ? notification.summary.sessionId : '');
        },
      };
      const { routing, metrics } = routingOf({ TEAMS_WEBHOOK_URL: s.urlFor('teams') }, { defaultExtras: [app] });
      const failed = summaryNotification('9', 'failed');

      const chosen = await routing.destinationsFor(failed);
      await postAll(chosen, failed);
      await postAll(chosen, failed);

      expect(chosen.map((d) => d.name)).toEqual(['teams', 'slack']);
      expect(posted).toEqual(['9']);
      expect(s.postsTo('teams')).toHaveLength(1);
      expect(metrics.puts).toEqual(['teams:Deliveries', 'slack:Deliveries']);
    });

    it('wraps every destination with the caller’s wrapper, keyed by its name', async () => {
      const s = await startSink();
      const keys: string[] = [];
      const { routing } = routingOf(
        { SLACK_WEBHOOK_URL: s.urlFor('slack'), ROUTES: JSON.stringify([{ teams: s.urlFor('teams') }]) },
        {
          wrap: (destination, key) => {
            keys.push(key);
            return { name: `paced ${destination.name}`, post: destination.post };
          },
        },
      );

      const table = await routing.table();

      expect(keys).toEqual(['slack', 'teams (route 1)']);
      expect(table.defaultRoute.destinations.map((d) => d.name)).toEqual(['paced slack']);
      expect(table.routes[0]?.destinations.map((d) => d.name)).toEqual(['paced teams (route 1)']);
    });
  });

  describe('with ROUTES', () => {
    it('delivers to the first matching rule only, names its destinations after it, and falls back to the default', async () => {
      const s = await startSink();
      const routes = [
        { name: 'team-sql', match: { policy: 'SQL-*' }, slack: s.urlFor('slack') },
        { match: { outcome: 'failed' }, teams: s.urlFor('teams'), generic: s.urlFor('generic') },
      ];
      const { routing } = routingOf({ GENERIC_WEBHOOK_URL: s.urlFor('generic'), ROUTES: JSON.stringify(routes) });

      const sql = await names(routing.destinationsFor(summaryNotification('1', 'failed', { policy: 'SQL-Nightly' })));
      const other = await names(routing.destinationsFor(summaryNotification('2', 'failed', { policy: 'Files' })));
      const quiet = await names(routing.destinationsFor(summaryNotification('3', 'success', { policy: 'Files' })));

      expect(sql).toEqual(['slack (route 1 (team-sql))']);
      expect(other).toEqual(['teams (route 2)', 'generic (route 2)']);
      expect(quiet).toEqual(['generic']);
      const table = await routing.table();
      expect(table.routes.map((r) => [r.label, r.slack, r.teams])).toEqual([
        ['route 1 (team-sql)', { kind: 'value', value: s.urlFor('slack') }, undefined],
        ['route 2', undefined, { kind: 'value', value: s.urlFor('teams') }],
      ]);
    });

    it('lets a rule with continue pass the message on to later matches too', async () => {
      const s = await startSink();
      const routes = [
        { match: { appliance: 'default' }, slack: s.urlFor('slack'), continue: true },
        { teams: s.urlFor('teams') },
        { generic: s.urlFor('generic') },
      ];
      const { routing } = routingOf({ ROUTES: JSON.stringify(routes) });

      expect(await names(routing.destinationsFor(summaryNotification('1', 'success')))).toEqual([
        'slack (route 1)',
        'teams (route 2)',
      ]);
    });

    it('keeps a rule’s delivery apart from the default route’s for the same session', async () => {
      const s = await startSink();
      const routes = [{ match: { policy: 'SQL' }, slack: s.urlFor('slack'), continue: true }];
      const { routing } = routingOf({ SLACK_WEBHOOK_URL: s.urlFor('slack'), ROUTES: JSON.stringify(routes) });
      const table = await routing.table();
      const failed = summaryNotification('5', 'failed', { policy: 'SQL' });

      await postAll([...table.defaultRoute.destinations, ...(table.routes[0]?.destinations ?? [])], failed);

      expect(s.postsTo('slack')).toHaveLength(2);
    });

    it('gives a rule’s notifyOn to its Slack, Teams and generic destinations', async () => {
      const s = await startSink();
      const routes = [
        { notifyOn: 'failures', slack: s.urlFor('slack'), teams: s.urlFor('teams'), generic: s.urlFor('generic') },
      ];
      const { routing } = routingOf({ ROUTES: JSON.stringify(routes) });
      const warning = summaryNotification('52', 'warning');

      const results = await postAll(await routing.destinationsFor(warning), warning);

      expect(results).toEqual([
        { skipped: 'SLACK_NOTIFY_ON=failures and the session is warning' },
        { skipped: 'TEAMS_NOTIFY_ON=failures and the session is warning' },
        { skipped: 'GENERIC_NOTIFY_ON=failures and the session is warning' },
      ]);
    });

    it('keeps the global thresholds for a rule without notifyOn', async () => {
      const s = await startSink();
      const routes = [{ slack: s.urlFor('slack'), teams: s.urlFor('teams'), generic: s.urlFor('generic') }];
      const { routing } = routingOf({
        ROUTES: JSON.stringify(routes),
        SLACK_NOTIFY_ON: 'problems',
        TEAMS_NOTIFY_ON: 'failures',
        GENERIC_NOTIFY_ON: 'problems',
      });
      const success = summaryNotification('38', 'success');

      const results = await postAll(await routing.destinationsFor(success), success);

      expect(results).toEqual([
        { skipped: 'SLACK_NOTIFY_ON=problems and the session is succeeded' },
        { skipped: 'TEAMS_NOTIFY_ON=failures and the session is succeeded' },
        { skipped: 'GENERIC_NOTIFY_ON=problems and the session is succeeded' },
      ]);
    });

    it('mentions the rule’s own people, never the global mention', async () => {
      const s = await startSink();
      const routes = [
        { match: { policy: 'A' }, slack: s.urlFor('slack'), mention: '<!subteam^S0RULE>' },
        { match: { policy: 'B' }, slack: s.urlFor('slack') },
        { match: { policy: 'C' }, teams: s.urlFor('teams'), mention: 'alice@contoso.com|Alice Smith' },
      ];
      const { routing } = routingOf({
        ROUTES: JSON.stringify(routes),
        SLACK_MENTION_ON_FAILURE: '<!subteam^S0GLOBAL>',
      });

      for (const policy of ['A', 'B', 'C']) {
        const failed = summaryNotification(policy, 'failed', { policy });
        await postAll(await routing.destinationsFor(failed), failed);
      }

      const slackTexts = s.postsTo('slack').map((p) => (p.json as { text: string }).text);
      expect(slackTexts[0]?.startsWith('<!subteam^S0RULE> ')).toBe(true);
      expect(slackTexts[1]).not.toContain('S0GLOBAL');
      expect(s.postsTo('teams')[0]?.body).toContain('alice@contoso.com');
    });

    it('keeps the global SLACK_MENTION_ON and TEAMS_MENTION_ON for a rule’s own mention', async () => {
      const s = await startSink();
      const routes = [
        { match: { policy: 'A' }, slack: s.urlFor('slack'), mention: '<!subteam^S0RULE>' },
        { match: { policy: 'B' }, teams: s.urlFor('teams'), mention: 'alice@contoso.com|Alice Smith' },
      ];
      const { routing } = routingOf({
        ROUTES: JSON.stringify(routes),
        SLACK_MENTION_ON: 'problems',
        TEAMS_MENTION_ON: 'problems',
      });

      for (const policy of ['A', 'B']) {
        const warning = summaryNotification(policy, 'warning', { policy });
        await postAll(await routing.destinationsFor(warning), warning);
      }

      expect(s.postsTo('slack')[0]?.json).toMatchObject({ text: expect.stringMatching(/^<!subteam\^S0RULE> /) });
      expect(s.postsTo('teams')[0]?.body).toContain('alice@contoso.com');
    });

    it('reports the default appliance as the source of PagerDuty events and generic bodies', async () => {
      const s = await startSink();
      const routes = [{ pagerduty: 'Rrule0123456789abcdefABCDEF', generic: s.urlFor('generic') }];
      const { routing } = routingOf({ ...globals(s), ROUTES: JSON.stringify(routes) });
      const failed = summaryNotification('77', 'failed', { policy: 'SQL' });

      await postAll(await routing.destinationsFor(failed), failed);

      expect(s.postsTo('pagerduty')[0]?.json).toMatchObject({ payload: { source: 'default' } });
      expect(s.postsTo('generic')[0]?.json).toMatchObject({ source: { appliance: 'default' } });
    });

    it('pages through a rule’s PagerDuty key on the global events URL and threshold', async () => {
      const s = await startSink();
      const routes = [{ pagerduty: 'Rrule0123456789abcdefABCDEF', notifyOn: 'all' }];
      const { routing } = routingOf({ ...globals(s), PAGERDUTY_NOTIFY_ON: 'problems', ROUTES: JSON.stringify(routes) });
      const warning = summaryNotification('52', 'warning', { policy: 'SQL' });

      const chosen = await routing.destinationsFor(warning);
      await postAll(chosen, warning);

      expect(chosen.map((d) => d.name)).toEqual(['pagerduty (route 1)']);
      const event = s.postsTo('pagerduty')[0]?.json as { routing_key: string; payload: { severity: string } };
      expect(event.routing_key).toBe('Rrule0123456789abcdefABCDEF');
      expect(event.payload.severity).toBe('warning');
    });

    it('pages on failures only, at PagerDuty’s own endpoint, when nothing global says otherwise', async () => {
      const s = await startSink();
      const routes = [{ pagerduty: 'Rrule0123456789abcdefABCDEF', slack: s.urlFor('slack') }];
      const { routing } = routingOf({ ROUTES: JSON.stringify(routes) });
      const [pagerduty] = (await routing.destinationsFor(summaryNotification('1', 'failed'))).filter((d) =>
        d.name.startsWith('pagerduty'),
      );

      const skipped = await pagerduty?.post(summaryNotification('52', 'warning', { policy: 'SQL' }), deadlineIn(5_000));
      // No time to post: the error names the endpoint's host without reaching it.
      const error = await rejection(
        pagerduty?.post(summaryNotification('77', 'failed', { policy: 'SQL' }), { remainingMs: () => 50 }) ??
          Promise.resolve(),
        DeliveryError,
      );

      expect(skipped).toEqual({ skipped: 'PAGERDUTY_NOTIFY_ON=failures and the session is warning' });
      expect(error.message).toBe('no time left to post to pagerduty (events.pagerduty.com)');
    });

    it('keeps a rule’s problems threshold for PagerDuty', async () => {
      const s = await startSink();
      const routes = [{ pagerduty: 'Rrule0123456789abcdefABCDEF', notifyOn: 'problems' }];
      const { routing } = routingOf({ ...globals(s), ROUTES: JSON.stringify(routes) });
      const warning = summaryNotification('52', 'warning', { policy: 'SQL' });

      await postAll(await routing.destinationsFor(warning), warning);

      expect(s.postsTo('pagerduty')).toHaveLength(1);
    });
  });

  describe('with ROUTES_SECRET_ARN', () => {
    it('reads the rules from the secret on every call and rebuilds them only when the text changes', async () => {
      const s = await startSink();
      const values = { [ROUTES_ARN]: JSON.stringify([{ slack: s.urlFor('slack') }]) };
      const secrets = secretsOf(values);
      const { routing } = routingOf(
        { TEAMS_WEBHOOK_URL: s.urlFor('teams'), ROUTES_SECRET_ARN: ROUTES_ARN },
        { secrets },
      );

      const first = await routing.table();
      const same = await routing.table();
      values[ROUTES_ARN] = JSON.stringify([{ generic: s.urlFor('generic') }]);
      const changed = await routing.destinationsFor(summaryNotification('1', 'failed'));

      expect(secrets.reads).toEqual([ROUTES_ARN, ROUTES_ARN, ROUTES_ARN]);
      expect(same).toBe(first);
      expect(first.routes[0]?.destinations.map((d) => d.name)).toEqual(['slack (route 1)']);
      expect(changed.map((d) => d.name)).toEqual(['generic (route 1)']);
    });

    it('names the secret when its rules are invalid', async () => {
      const s = await startSink();
      const secrets = secretsOf({ [ROUTES_ARN]: '[{"match":{}}]' });
      const { routing } = routingOf(
        { TEAMS_WEBHOOK_URL: s.urlFor('teams'), ROUTES_SECRET_ARN: ROUTES_ARN },
        { secrets },
      );

      const error = await rejection(routing.table(), ConfigError);

      expect(error.message).toBe(
        `invalid secret ${ROUTES_ARN} (ROUTES_SECRET_ARN): secret ${ROUTES_ARN} (ROUTES_SECRET_ARN)[0]: no destination: set slack, teams, pagerduty and/or generic`,
      );
    });
  });

  describe('webhook URLs held in secrets', () => {
    it.each([
      ['slack', 'SLACK_WEBHOOK_SECRET_ARN'],
      ['teams', 'TEAMS_WEBHOOK_SECRET_ARN'],
      ['generic', 'GENERIC_WEBHOOK_SECRET_ARN'],
    ])(
      '%s: refuses a URL off the service’s hosts when WEBHOOK_HOST_CHECK is on, and accepts it when off',
      async (kind, variable) => {
        const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${kind}-AbCdEf`;
        const routes = JSON.stringify([{ [kind]: { secretArn: arn } }]);
        // A generic webhook may be on any https host; a plain-http remote host is refused for every kind.
        const url = kind === 'generic' ? 'http://proxy.example.com/hook' : 'https://proxy.example.com/hook';
        const secrets = secretsOf({ [arn]: url });
        const strict = routingOf({ ROUTES: routes }, { secrets }).routing;
        const lax = routingOf({ ROUTES: routes }, { secrets, hostCheck: false }).routing;
        const failed = summaryNotification('1', 'failed');

        const refused = await rejection(
          (await strict.destinationsFor(failed))[0]?.post(failed, deadlineIn(5_000)) ?? Promise.resolve(),
          SecretError,
        );
        const outcome = await (await lax.destinationsFor(failed))[0]?.post(failed, { remainingMs: () => 50 }).then(
          () => 'posted',
          (error: Error) => error.message,
        );

        expect(refused.message).toContain(`secret ${arn} (${variable}) must hold`);
        if (kind === 'generic') expect(outcome).toContain(`secret ${arn} (${variable}) must hold`);
        else expect(outcome).toBe(`no time left to post to ${kind} (proxy.example.com)`);
      },
    );
  });
});

describe('factsOf', () => {
  it('routes by the appliance name, the policy and the outcome', () => {
    expect(factsOf(summaryNotification('1', 'warning', { appliance: 'vbr-1', policy: 'SQL' }))).toEqual({
      appliance: 'vbr-1',
      policy: 'SQL',
      outcome: 'warning',
    });
  });

  it('calls an unnamed appliance "default" and an unknown policy null', () => {
    expect(factsOf(summaryNotification('1', 'success'))).toEqual({
      appliance: 'default',
      policy: null,
      outcome: 'succeeded',
    });
  });
});
