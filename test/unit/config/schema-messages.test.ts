import { describe, expect, it } from 'vitest';
import { parseAppliances } from '../../../src/config/appliances.ts';
import { loadConfig } from '../../../src/config/notifier.ts';
import { parseRoutes } from '../../../src/config/routes.ts';
import { loadWatcherConfig } from '../../../src/config/watcher.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

type Variables = Record<string, string | undefined>;

/** The message a single-appliance configuration gets with `variables` on top of a valid minimum. */
const configError = (variables: Variables): string =>
  thrown(
    () =>
      loadConfig({
        BACKUP_API_URL: 'https://appliance.example.com',
        BACKUP_API_TOKEN: 'tok-123456',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/schemamessages',
        ...variables,
      }),
    ConfigError,
  ).message;

/** The message an APPLIANCES list of one entry gets with `fields` on top of a valid entry. */
const fleetError = (fields: Record<string, unknown>): string =>
  thrown(
    () =>
      parseAppliances(
        JSON.stringify([{ name: 'azure-prod', url: 'https://a.example.com', token: 'tok-1234', ...fields }]),
        'APPLIANCES',
      ),
    ConfigError,
  ).message;

/** The message a ROUTES list of one rule gets with `fields` on top of a rule that delivers to Slack. */
const routeError = (fields: Record<string, unknown>): string =>
  thrown(
    () =>
      parseRoutes(
        JSON.stringify([{ slack: 'https://hooks.slack.com/services/T0/B0/schemaroutes', ...fields }]),
        'ROUTES',
      ),
    ConfigError,
  ).message;

describe('the message for each misconfigured notifier variable', () => {
  it('names the variable and the rule its value breaks', () => {
    const cases: [Variables, string][] = [
      [{ BACKUP_API_URL: 'ftp://appliance.example.com' }, 'BACKUP_API_URL must be an http(s) URL'],
      [{ TEAMS_WEBHOOK_URL: 'ftp://teams.example.com/hook' }, 'TEAMS_WEBHOOK_URL must be an http(s) URL'],
      [{ BACKUP_API_TOKEN: '   ' }, 'BACKUP_API_TOKEN must not be empty'],
      [{ APPLIANCES: ' \t ' }, 'APPLIANCES must not be empty'],
      [{ BACKUP_API_SECRET_ARN: 'arn:aws:s3:::bucket' }, 'BACKUP_API_SECRET_ARN must be a Secrets Manager secret ARN'],
      [{ BACKUP_API_INSECURE_TLS: 'yes' }, 'BACKUP_API_INSECURE_TLS must be true or false'],
      [{ SLACK_NOTIFY_ON: 'sometimes' }, 'SLACK_NOTIFY_ON must be all, problems, failures or changes'],
      [{ SLACK_MENTION_ON: 'always' }, 'SLACK_MENTION_ON must be failures or problems'],
      [{ IDEMPOTENCY_TABLE: 'ab' }, 'IDEMPOTENCY_TABLE must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)'],
      [
        { SESSION_URL_TEMPLATE: 'https://console.example.com/sessions' },
        'SESSION_URL_TEMPLATE must contain {sessionId}',
      ],
      [{ BACKUP_API_CA_CERT: 'MIIBszCCAVmgAwIBAgIU' }, 'BACKUP_API_CA_CERT must be a PEM certificate'],
      [
        { SLACK_MENTION_ON_FAILURE: '@oncall' },
        'SLACK_MENTION_ON_FAILURE must be Slack mentions such as <!subteam^S0123ABC> or <@U0123ABC>',
      ],
      [
        { TEAMS_MENTION_ON_FAILURE: 'Alice Smith' },
        'TEAMS_MENTION_ON_FAILURE must be "UPN or Entra object ID|Display Name", e.g. alice@contoso.com|Alice Smith',
      ],
      [{ PAGERDUTY_ROUTING_KEY: 'short-key' }, 'PAGERDUTY_ROUTING_KEY must be a PagerDuty integration (routing) key'],
      [{ PAGERDUTY_NOTIFY_ON: 'all' }, 'PAGERDUTY_NOTIFY_ON must be problems or failures'],
      [{ WEBHOOK_HOST_CHECK: 'yes' }, 'WEBHOOK_HOST_CHECK must be on or off'],
      [{ DURATION_ANOMALY_FACTOR: '1.4' }, 'DURATION_ANOMALY_FACTOR must be at least 1.5'],
      [{ DURATION_ANOMALY_FACTOR: '100.5' }, 'DURATION_ANOMALY_FACTOR must be at most 100'],
    ];
    for (const [variables, problem] of cases) {
      expect(configError(variables), JSON.stringify(variables)).toBe(`invalid configuration: ${problem}`);
    }
  });

  it('accepts the duration anomaly factor at each end of its range', () => {
    const base = { BACKUP_API_URL: 'https://a.example.com', BACKUP_API_TOKEN: 'tok-123456' };
    const slack = { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/factor' };
    expect(loadConfig({ ...base, ...slack, DURATION_ANOMALY_FACTOR: '1.5' }).durationAnomalyFactor).toBe(1.5);
    expect(loadConfig({ ...base, ...slack, DURATION_ANOMALY_FACTOR: '100' }).durationAnomalyFactor).toBe(100);
  });

  it('trims the appliance credentials, so a padded token is sent as the token alone', () => {
    const config = loadConfig({
      BACKUP_API_URL: 'https://a.example.com',
      BACKUP_API_TOKEN: '  tok-123456\n',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/trim',
    });
    expect(config.api?.credentials).toEqual({ kind: 'token', token: 'tok-123456' });
  });
});

describe('the message for each misconfigured field of an APPLIANCES entry', () => {
  it('names the entry, the field and the rule its value breaks', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://a.example.com' }, 'url must be an http(s) URL'],
      [{ version: '8.1!' }, 'version must look like v1, v8.1 or 1.2-rev0'],
      [{ token: '  ' }, 'token must not be empty'],
      [{ token: undefined, username: ' ', password: 'secret-1' }, 'username must not be empty'],
      [{ caCert: 'MIIBszCCAVmgAwIBAgIU' }, 'caCert must be a PEM certificate'],
      [{ insecureTls: 'yes' }, 'insecureTls must be true or false'],
      [{ allowHttp: 1 }, 'allowHttp must be true or false'],
      [{ sessionUrlTemplate: 'ftp://console.example.com/{sessionId}' }, 'sessionUrlTemplate must be an http(s) URL'],
      [{ sessionUrlTemplate: 'https://console.example.com/sessions' }, 'sessionUrlTemplate must contain {sessionId}'],
    ];
    for (const [fields, problem] of cases) {
      expect(fleetError(fields), JSON.stringify(fields)).toBe(
        `invalid APPLIANCES: APPLIANCES[0] "azure-prod": ${problem}`,
      );
    }
  });

  it('names an entry whose name breaks the rule by its position', () => {
    expect(fleetError({ name: 'Azure Prod' })).toBe(
      'invalid APPLIANCES: APPLIANCES[0]: name must be 1-40 characters of a-z, 0-9 and -',
    );
  });

  it('trims the credentials of an entry', () => {
    const [entry] = parseAppliances(
      JSON.stringify([{ name: 'azure-prod', url: 'https://a.example.com', username: ' notifier ', password: 'pw\n' }]),
      'APPLIANCES',
    );
    expect(entry?.credentials).toEqual({ kind: 'password', username: 'notifier', password: 'pw' });
  });
});

describe('the message for each misconfigured field of a ROUTES rule', () => {
  it('names the rule, the field and the rule its value breaks', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ match: { appliance: '' } }, 'match.appliance must not be empty'],
      [{ match: { policy: 'p'.repeat(201) } }, 'match.policy must be at most 200 characters'],
      [
        { match: { outcome: 'exploded' } },
        'match.outcome.0 must be succeeded, warnings, failed, canceled or unreadable (or running, unknown, empty)',
      ],
      [
        { match: { outcome: ['failed', 'exploded'] } },
        'match.outcome.1 must be succeeded, warnings, failed, canceled or unreadable (or running, unknown, empty)',
      ],
      [{ match: { outcome: [] } }, 'match.outcome must name at least one outcome'],
      [{ slack: 'ftp://hooks.example.com/x' }, 'slack must be an http(s) URL or { "secretArn": "…" }'],
      [{ pagerduty: 'short-key' }, 'pagerduty must be a PagerDuty routing key or { "secretArn": "…" }'],
      [{ name: 'team/sql' }, 'name must be 1-40 letters, digits, spaces, _ . -'],
      [{ notifyOn: 'changes' }, 'notifyOn must be all, problems or failures'],
      [{ continue: 'yes' }, 'continue must be true or false'],
    ];
    for (const [fields, problem] of cases) {
      expect(routeError(fields), JSON.stringify(fields)).toBe(`invalid ROUTES: ROUTES[0]: ${problem}`);
    }
  });

  it('accepts a glob of 200 characters', () => {
    const policy = 'p'.repeat(200);
    const [rule] = parseRoutes(
      JSON.stringify([{ slack: 'https://hooks.slack.com/services/T0/B0/glob', match: { policy } }]),
      'ROUTES',
    );
    expect(rule?.match.policy).toBe(policy);
  });
});

describe('the message for each misconfigured watcher variable', () => {
  it('names the variable and the rule its value breaks', () => {
    const cases: [Variables, string][] = [
      [{ WATCH_BACKFILL: '2 hours' }, 'WATCH_BACKFILL must be a duration such as 90s, 15m, 26h or 7d'],
      [
        { WATCH_SCHEDULE: 'every 5 minutes' },
        'WATCH_SCHEDULE must be an EventBridge schedule such as rate(5 minutes) or cron(0 7 * * ? *)',
      ],
      [{ WATCHER_STATE_TABLE: 'ab' }, 'WATCHER_STATE_TABLE must be a DynamoDB table name'],
      [{ WATCH_QUEUE_URL: 'ftp://sqs.example.com/123456789012/watch' }, 'WATCH_QUEUE_URL must be an SQS queue URL'],
      [
        { WATCH_SESSION_TYPES: 'BackupJob;Policy' },
        'WATCH_SESSION_TYPES must be a comma-separated list of session types, or *',
      ],
    ];
    for (const [variables, problem] of cases) {
      expect(thrown(() => loadWatcherConfig(variables), ConfigError).message, JSON.stringify(variables)).toBe(
        `invalid watcher configuration: ${problem}`,
      );
    }
  });
});
