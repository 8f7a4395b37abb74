import { describe, expect, it } from 'vitest';
import { parseAppliances } from '../../../src/config/appliances.ts';
import { loadConfig } from '../../../src/config/notifier.ts';
import { parseRoutes } from '../../../src/config/routes.ts';
import { loadWatcherConfig } from '../../../src/config/watcher.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

type Variables = Record<string, string | undefined>;

/** A valid single-appliance configuration delivering to a Slack webhook, with `variables` on top. */
const withSlack = (variables: Variables): Variables => ({
  BACKUP_API_URL: 'https://appliance.example.com',
  BACKUP_API_TOKEN: 'tok-123456',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/schemaanchors',
  ...variables,
});

const configError = (variables: Variables): string => thrown(() => loadConfig(variables), ConfigError).message;

const fleet = (fields: Record<string, unknown>) =>
  parseAppliances(
    JSON.stringify([{ name: 'azure-prod', url: 'https://a.example.com', token: 'tok-1234', ...fields }]),
    'APPLIANCES',
  );
const fleetError = (fields: Record<string, unknown>): string => thrown(() => fleet(fields), ConfigError).message;

const routes = (fields: Record<string, unknown>) =>
  parseRoutes(JSON.stringify([{ slack: 'https://hooks.slack.com/services/T0/B0/anchors', ...fields }]), 'ROUTES');
const routeError = (fields: Record<string, unknown>): string => thrown(() => routes(fields), ConfigError).message;

const watcherError = (variables: Variables): string => thrown(() => loadWatcherConfig(variables), ConfigError).message;

describe('notifier variables: a valid value with anything before or after it is refused', () => {
  it('refuses a URL whose scheme only starts or ends with http(s)', () => {
    for (const url of ['xhttps://appliance.example.com', 'httpsx://appliance.example.com']) {
      expect(configError(withSlack({ BACKUP_API_URL: url })), url).toBe(
        'invalid configuration: BACKUP_API_URL must be an http(s) URL',
      );
    }
  });

  it('refuses a secret ARN with text before or after it, and takes the China and GovCloud partitions', () => {
    const arn = (partition: string) =>
      `arn:${partition}:secretsmanager:eu-west-1:123456789012:secret:notifier/api-AbCd`;
    for (const value of [`see ${arn('aws')}`, `${arn('aws')} (prod)`]) {
      expect(configError(withSlack({ BACKUP_API_TOKEN: undefined, BACKUP_API_SECRET_ARN: value })), value).toBe(
        'invalid configuration: BACKUP_API_SECRET_ARN must be a Secrets Manager secret ARN',
      );
    }
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      const config = loadConfig(withSlack({ BACKUP_API_TOKEN: undefined, BACKUP_API_SECRET_ARN: arn(partition) }));
      expect(config.api?.credentials).toEqual({ kind: 'secret', arn: arn(partition) });
    }
  });

  it('takes a DynamoDB table name of 3 to 255 characters and refuses one with a character after it', () => {
    for (const table of ['abc', 't'.repeat(255), 'Notifier_Idempotency-1.prod']) {
      expect(loadConfig(withSlack({ IDEMPOTENCY_TABLE: table })).idempotencyTable).toBe(table);
    }
    for (const table of ['ab', 't'.repeat(256), 'sessions#1', '#sessions']) {
      expect(configError(withSlack({ IDEMPOTENCY_TABLE: table })), table).toBe(
        'invalid configuration: IDEMPOTENCY_TABLE must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)',
      );
    }
  });

  it('takes one to ten Slack mentions of every kind, in any position', () => {
    const accepted = [
      '<@U0123ABC>',
      '<@W01>',
      `<@U${'A'.repeat(20)}>`,
      '<!subteam^S0123ABC>',
      '<!here> <!subteam^S0123ABC> <!subteam^S01> <@U0123ABC> <@W0123ABC> <!channel>',
      Array.from({ length: 10 }, () => '<!here>').join(' '),
    ];
    for (const mention of accepted) {
      expect(loadConfig(withSlack({ SLACK_MENTION_ON_FAILURE: mention })).alerting.slack.mention).toBe(mention);
    }
  });

  it('refuses Slack mentions with text around them, malformed IDs, or more than ten', () => {
    const refused = [
      'cc <@U0123ABC>',
      '<@U0123ABC> please',
      '<@X0123ABC>',
      '<@U0>',
      `<@U${'A'.repeat(21)}>`,
      '<@U0123abc>',
      '<!here> <!subteam^S0>',
      '<!here> <!subteam^Sabc>',
      Array.from({ length: 11 }, () => '<!here>').join(' '),
    ];
    for (const mention of refused) {
      expect(configError(withSlack({ SLACK_MENTION_ON_FAILURE: mention })), mention).toBe(
        'invalid configuration: SLACK_MENTION_ON_FAILURE must be Slack mentions such as <!subteam^S0123ABC> or <@U0123ABC>',
      );
    }
  });

  it('takes a Teams mention whose display name starts with or holds digits, by UPN or by object ID', () => {
    const cases: [string, { id: string; name: string }][] = [
      ['alice@contoso.com|2nd Line', { id: 'alice@contoso.com', name: '2nd Line' }],
      ['alice@contoso.com|Shift 2', { id: 'alice@contoso.com', name: 'Shift 2' }],
      [
        '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d|Backup Team',
        { id: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', name: 'Backup Team' },
      ],
    ];
    for (const [mention, expected] of cases) {
      expect(loadConfig(withSlack({ TEAMS_MENTION_ON_FAILURE: mention })).alerting.teams.mention).toEqual(expected);
    }
  });

  it('refuses a Teams mention with markup before or after it, or a name that starts with punctuation', () => {
    for (const mention of [
      '<at>alice@contoso.com|Alice',
      'alice@contoso.com|Alice</at>',
      'alice@contoso.com|(Alice)',
    ]) {
      expect(configError(withSlack({ TEAMS_MENTION_ON_FAILURE: mention })), mention).toBe(
        'invalid configuration: TEAMS_MENTION_ON_FAILURE must be "UPN or Entra object ID|Display Name", e.g. alice@contoso.com|Alice Smith',
      );
    }
  });

  it('takes a PagerDuty routing key of 20 to 64 letters and digits, and nothing around it', () => {
    for (const key of ['k'.repeat(20), 'K0'.repeat(32)]) {
      const config = loadConfig(withSlack({ PAGERDUTY_ROUTING_KEY: key }));
      expect(config.pagerduty?.routingKey).toEqual({ kind: 'value', value: key });
    }
    for (const key of ['k'.repeat(19), 'k'.repeat(65), `-${'k'.repeat(32)}`, `${'k'.repeat(32)}-`]) {
      expect(configError(withSlack({ PAGERDUTY_ROUTING_KEY: key })), key).toBe(
        'invalid configuration: PAGERDUTY_ROUTING_KEY must be a PagerDuty integration (routing) key',
      );
    }
  });

  it('takes every word of each notify-on and mention-on variable', () => {
    for (const word of ['all', 'problems', 'failures', 'changes']) {
      const config = loadConfig(withSlack({ SLACK_NOTIFY_ON: word, TEAMS_NOTIFY_ON: word, GENERIC_NOTIFY_ON: word }));
      expect(config.alerting.slack.notifyOn).toBe(word);
      expect(config.alerting.teams.notifyOn).toBe(word);
      expect(config.alerting.generic.notifyOn).toBe(word);
    }
    for (const word of ['failures', 'problems']) {
      const config = loadConfig(withSlack({ SLACK_MENTION_ON: word, TEAMS_MENTION_ON: word }));
      expect(config.alerting.slack.mentionOn).toBe(word);
      expect(config.alerting.teams.mentionOn).toBe(word);
      const paged = loadConfig(withSlack({ PAGERDUTY_ROUTING_KEY: 'k'.repeat(32), PAGERDUTY_NOTIFY_ON: word }));
      expect(paged.pagerduty?.notifyOn).toBe(word);
    }
  });
});

describe('Slack app variables: a valid value with anything before or after it is refused', () => {
  const app = (variables: Variables): Variables => ({
    BACKUP_API_URL: 'https://appliance.example.com',
    BACKUP_API_TOKEN: 'tok-123456',
    SLACK_BOT_TOKEN: 'xoxb-0123456789-abcdef',
    SLACK_CHANNEL: 'C0123ABCDEF',
    ...variables,
  });

  it('refuses a bot token with text before or after it', () => {
    for (const token of ['Bearer xoxb-0123456789-abcdef', 'xoxb-0123456789-abcdef!']) {
      expect(configError(app({ SLACK_BOT_TOKEN: token })), token).toBe(
        'invalid configuration: SLACK_BOT_TOKEN must be a Slack bot token (xoxb-…)',
      );
    }
    expect(loadConfig(app({ SLACK_BOT_TOKEN: 'xoxp-0123456789' })).slackApp?.token).toEqual({
      kind: 'value',
      value: 'xoxp-0123456789',
    });
  });

  it('refuses a channel ID with text before or after it', () => {
    for (const channel of ['#C0123ABCDEF', 'C0123ABCDEFx']) {
      expect(configError(app({ SLACK_CHANNEL: channel })), channel).toBe(
        'invalid configuration: SLACK_CHANNEL must be a Slack channel ID, e.g. C0123ABCDEF',
      );
    }
  });

  it("takes Slack's GovSlack API host with the host check on", () => {
    const config = loadConfig(app({ SLACK_API_URL: 'https://slack-gov.com/api' }));
    expect(config.slackApp?.apiUrl).toBe('https://slack-gov.com/api');
  });
});

describe('APPLIANCES entries: a valid value with anything before or after it is refused', () => {
  it('takes a name of 1 to 40 characters and refuses one with a character outside a-z, 0-9 and - around it', () => {
    for (const name of ['a', 'n'.repeat(40)]) expect(fleet({ name })[0]?.name).toBe(name);
    for (const name of ['n'.repeat(41), 'X-azure', 'azure-prod!']) {
      expect(fleetError({ name }), name).toBe(
        'invalid APPLIANCES: APPLIANCES[0]: name must be 1-40 characters of a-z, 0-9 and -',
      );
    }
  });

  it('refuses a URL or console link whose scheme only starts or ends with http(s), and takes http links', () => {
    for (const scheme of ['xhttps', 'httpsx']) {
      expect(fleetError({ url: `${scheme}://a.example.com` }), scheme).toBe(
        'invalid APPLIANCES: APPLIANCES[0] "azure-prod": url must be an http(s) URL',
      );
      expect(fleetError({ sessionUrlTemplate: `${scheme}://console.example.com/{sessionId}` }), scheme).toBe(
        'invalid APPLIANCES: APPLIANCES[0] "azure-prod": sessionUrlTemplate must be an http(s) URL',
      );
    }
    const link = 'http://console.example.com/sessions/{sessionId}';
    expect(fleet({ sessionUrlTemplate: link })[0]?.sessionUrlTemplate).toBe(link);
  });

  it('refuses a version with a character before or after it', () => {
    for (const version of ['!v8.1', 'v8.1!', 'v'.repeat(21)]) {
      expect(fleetError({ version }), version).toBe(
        'invalid APPLIANCES: APPLIANCES[0] "azure-prod": version must look like v1, v8.1 or 1.2-rev0',
      );
    }
  });
});

describe('ROUTES rules: a valid value with anything before or after it is refused', () => {
  it('refuses a destination URL whose scheme only starts or ends with http(s), and takes an http one', () => {
    for (const slack of ['xhttps://hooks.example.com/x', 'httpsx://hooks.example.com/x']) {
      expect(routeError({ slack }), slack).toBe(
        'invalid ROUTES: ROUTES[0]: slack must be an http(s) URL or { "secretArn": "…" }',
      );
    }
    expect(routes({ slack: 'http://127.0.0.1:9/hook' })[0]?.slack).toEqual({
      kind: 'value',
      value: 'http://127.0.0.1:9/hook',
    });
  });

  it('takes a routing key of 20 to 64 letters and digits, and nothing around it', () => {
    for (const key of ['k'.repeat(20), 'k'.repeat(64)]) {
      expect(routes({ pagerduty: key })[0]?.pagerduty).toEqual({ kind: 'value', value: key });
    }
    for (const key of ['k'.repeat(19), 'k'.repeat(65), `-${'k'.repeat(32)}`, `${'k'.repeat(32)}-`]) {
      expect(routeError({ pagerduty: key }), key).toBe(
        'invalid ROUTES: ROUTES[0]: pagerduty must be a PagerDuty routing key or { "secretArn": "…" }',
      );
    }
  });

  it('takes a rule name of 1 to 40 characters and nothing around it', () => {
    expect(routes({ name: 'team sql.prod_1-a' })[0]?.label).toBe('route 1 (team sql.prod_1-a)');
    expect(routes({ name: 'n'.repeat(40) })[0]?.label).toBe(`route 1 (${'n'.repeat(40)})`);
    for (const name of ['n'.repeat(41), '#team-sql', 'team-sql#']) {
      expect(routeError({ name }), name).toBe(
        'invalid ROUTES: ROUTES[0]: name must be 1-40 letters, digits, spaces, _ . -',
      );
    }
  });

  it('takes every notify-on word', () => {
    for (const notifyOn of ['all', 'problems', 'failures']) {
      expect(routes({ notifyOn })[0]?.notifyOn).toBe(notifyOn);
    }
  });
});

describe('watcher variables: a valid value with anything before or after it is refused', () => {
  it('refuses a schedule with text before or after it', () => {
    for (const schedule of ['every rate(5 minutes)', 'rate(5 minutes) please']) {
      expect(watcherError({ WATCH_SCHEDULE: schedule }), schedule).toBe(
        'invalid watcher configuration: WATCH_SCHEDULE must be an EventBridge schedule such as rate(5 minutes) or cron(0 7 * * ? *)',
      );
    }
    expect(loadWatcherConfig({ DIGEST_CRON: 'cron(0 7 * * ? *)' }).digestCron).toBe('cron(0 7 * * ? *)');
  });

  it('takes a state table name of 3 to 255 characters and nothing around it', () => {
    for (const table of ['abc', 't'.repeat(255)]) {
      expect(loadWatcherConfig({ WATCHER_STATE_TABLE: table }).stateTable).toBe(table);
    }
    for (const table of ['ab', 't'.repeat(256), '#watcher-state', 'watcher-state#']) {
      expect(watcherError({ WATCHER_STATE_TABLE: table }), table).toBe(
        'invalid watcher configuration: WATCHER_STATE_TABLE must be a DynamoDB table name',
      );
    }
  });

  it('refuses a queue URL whose scheme only starts or ends with http(s), and takes a local http queue', () => {
    for (const url of ['xhttps://sqs.eu-west-1.amazonaws.com/1/q', 'httpsx://sqs.eu-west-1.amazonaws.com/1/q']) {
      expect(watcherError({ WATCH_QUEUE_URL: url }), url).toBe(
        'invalid watcher configuration: WATCH_QUEUE_URL must be an SQS queue URL',
      );
    }
    const local = 'http://127.0.0.1:9324/000000000000/watch';
    expect(loadWatcherConfig({ WATCH_QUEUE_URL: local }).queueUrl).toBe(local);
  });

  it('takes one session type, or any number separated by commas', () => {
    expect(loadWatcherConfig({ WATCH_SESSION_TYPES: 'BackupJob' }).sessionTypes).toEqual(['BackupJob']);
    expect(loadWatcherConfig({ WATCH_SESSION_TYPES: ' A, B ,C ' }).sessionTypes).toEqual(['A', 'B', 'C']);
  });
});
