import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { loadWatcherConfig } from '../../src/config/watcher.ts';
import { ConfigError } from '../../src/errors.ts';

const base = {
  BACKUP_API_URL: 'https://appliance.example.com/',
  BACKUP_API_TOKEN: 'tok-abcdef-123456',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secretpath',
};
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:notifier/appliance-AbCdEf';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  describe('with a token and a Slack webhook', () => {
    it('defaults the API version to v1 and trims the trailing slash of the base URL', () => {
      const config = loadConfig(base);
      expect(config.api?.baseUrl).toBe('https://appliance.example.com');
      expect(config.api?.version).toBe('v1');
      expect(config.api?.credentials).toEqual({ kind: 'token', token: 'tok-abcdef-123456' });
      expect(config.slack).toEqual({ kind: 'value', value: base.SLACK_WEBHOOK_URL });
      expect(config.teams).toBeUndefined();
      expect(config.api?.insecureTls).toBe(false);
    });

    it('accepts a current appliance version such as v8.1', () => {
      expect(loadConfig({ ...base, BACKUP_API_VERSION: 'v8.1' }).api?.version).toBe('v8.1');
    });

    it('rejects a malformed version, naming the variable', () => {
      expect(configError({ ...base, BACKUP_API_VERSION: '8.1/../x' }).message).toContain('BACKUP_API_VERSION');
    });
  });

  describe('credentials', () => {
    it('takes a username and password pair', () => {
      const { BACKUP_API_TOKEN: _, ...rest } = base;
      const config = loadConfig({ ...rest, BACKUP_API_USERNAME: 'notifier', BACKUP_API_PASSWORD: 'pw-123456' });
      expect(config.api?.credentials).toEqual({ kind: 'password', username: 'notifier', password: 'pw-123456' });
    });

    it('takes a Secrets Manager ARN', () => {
      const { BACKUP_API_TOKEN: _, ...rest } = base;
      expect(loadConfig({ ...rest, BACKUP_API_SECRET_ARN: ARN }).api?.credentials).toEqual({
        kind: 'secret',
        arn: ARN,
      });
    });

    it('names every variable when none is set', () => {
      const { BACKUP_API_TOKEN: _, ...rest } = base;
      const error = configError(rest);
      expect(error.message).toMatch(
        /BACKUP_API_TOKEN.*BACKUP_API_USERNAME.*BACKUP_API_PASSWORD.*BACKUP_API_SECRET_ARN/,
      );
    });

    it('rejects a token together with a password as contradictory', () => {
      const error = configError({ ...base, BACKUP_API_USERNAME: 'u', BACKUP_API_PASSWORD: 'p-secret-value' });
      expect(error.message).toContain('contradictory');
      expect(error.message).not.toContain('p-secret-value');
    });

    it('names the missing half of a username/password pair', () => {
      const { BACKUP_API_TOKEN: _, ...rest } = base;
      expect(configError({ ...rest, BACKUP_API_USERNAME: 'notifier' }).message).toContain(
        'BACKUP_API_PASSWORD is missing',
      );
    });
  });

  describe('destinations', () => {
    it('lists every destination variable when none is set', () => {
      const { SLACK_WEBHOOK_URL: _, ...rest } = base;
      const error = configError(rest);
      expect(error.message).toContain('SLACK_WEBHOOK_URL');
      expect(error.message).toContain('TEAMS_WEBHOOK_URL');
      expect(error.message).toContain('SLACK_WEBHOOK_SECRET_ARN');
    });

    it('rejects a URL and a secret ARN for the same destination', () => {
      expect(configError({ ...base, SLACK_WEBHOOK_SECRET_ARN: ARN }).message).toContain(
        'SLACK_WEBHOOK_URL, SLACK_WEBHOOK_SECRET_ARN',
      );
    });

    it('rejects a webhook that is not a URL without echoing its value', () => {
      const error = configError({ ...base, TEAMS_WEBHOOK_URL: 'not a url but-a-secret' });
      expect(error.message).toContain('TEAMS_WEBHOOK_URL');
      expect(error.message).not.toContain('but-a-secret');
    });
  });

  describe('TLS', () => {
    it('reads BACKUP_API_INSECURE_TLS only when explicitly true', () => {
      expect(loadConfig({ ...base, BACKUP_API_INSECURE_TLS: 'true' }).api?.insecureTls).toBe(true);
      expect(configError({ ...base, BACKUP_API_INSECURE_TLS: 'yes' }).message).toContain('BACKUP_API_INSECURE_TLS');
    });

    it('rejects a CA certificate that is not PEM', () => {
      expect(configError({ ...base, BACKUP_API_CA_CERT: 'MIIB...' }).message).toContain('BACKUP_API_CA_CERT');
    });
  });

  describe('alerting', () => {
    it('defaults to telling every destination about every session, pinging nobody', () => {
      const config = loadConfig(base);
      expect(config.alerting).toEqual({
        slack: { notifyOn: 'all', mention: undefined, mentionOn: 'failures' },
        teams: { notifyOn: 'all', mention: undefined, mentionOn: 'failures' },
        generic: { notifyOn: 'all' },
      });
      expect(config.pagerduty).toBeUndefined();
      expect(config.generic).toBeUndefined();
      expect(config.sessionUrlTemplate).toBeUndefined();
    });

    it('reads thresholds, mentions and the console link', () => {
      const config = loadConfig({
        ...base,
        SLACK_NOTIFY_ON: 'problems',
        TEAMS_NOTIFY_ON: 'failures',
        SLACK_MENTION_ON_FAILURE: '<!subteam^S0123ABC> <@U0456DEF>',
        SLACK_MENTION_ON: 'problems',
        TEAMS_MENTION_ON_FAILURE: '0f8fad5b-d9cb-469f-a165-70867728950e|Ops On-Call',
        SESSION_URL_TEMPLATE: 'https://appliance.example.com/#/sessions/{sessionId}',
      });
      expect(config.alerting.slack).toEqual({
        notifyOn: 'problems',
        mention: '<!subteam^S0123ABC> <@U0456DEF>',
        mentionOn: 'problems',
      });
      expect(config.alerting.teams).toEqual({
        notifyOn: 'failures',
        mention: { id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'Ops On-Call' },
        mentionOn: 'failures',
      });
      expect(config.sessionUrlTemplate).toBe('https://appliance.example.com/#/sessions/{sessionId}');
    });

    it.each([
      ['SLACK_NOTIFY_ON', 'errors'],
      ['SLACK_MENTION_ON_FAILURE', '@oncall'],
      ['SLACK_MENTION_ON_FAILURE', '<!subteam^S0123ABC> <http://evil|click>'],
      ['TEAMS_MENTION_ON_FAILURE', 'Alice Smith'],
      ['TEAMS_MENTION_ON_FAILURE', 'alice@contoso.com|<at>Everyone</at>'],
      ['TEAMS_MENTION_ON', 'always'],
      ['SESSION_URL_TEMPLATE', 'https://appliance.example.com/#/sessions/'],
      ['PAGERDUTY_NOTIFY_ON', 'all'],
    ])('rejects %s=%s, naming the variable', (name, value) => {
      expect(configError({ ...base, [name]: value }).message).toContain(name);
    });
  });

  describe('PagerDuty and the generic webhook', () => {
    const KEY = 'R0uting0Key0Config0123456789abcd';

    it('pages through the default Events API v2 endpoint on failures only', () => {
      expect(loadConfig({ ...base, PAGERDUTY_ROUTING_KEY: KEY }).pagerduty).toEqual({
        routingKey: { kind: 'value', value: KEY },
        eventsUrl: 'https://events.pagerduty.com/v2/enqueue',
        notifyOn: 'failures',
      });
    });

    it('accepts PagerDuty or the generic webhook as the only destination', () => {
      const only = { BACKUP_API_URL: base.BACKUP_API_URL, BACKUP_API_TOKEN: base.BACKUP_API_TOKEN };
      expect(loadConfig({ ...only, PAGERDUTY_ROUTING_KEY_SECRET_ARN: ARN }).pagerduty?.routingKey).toEqual({
        kind: 'secret',
        arn: ARN,
      });
      expect(loadConfig({ ...only, GENERIC_WEBHOOK_URL: 'https://tool.example.com/hook' }).generic).toEqual({
        kind: 'value',
        value: 'https://tool.example.com/hook',
      });
    });

    it('rejects a malformed routing key without echoing it, and contradictory key sources', () => {
      const error = configError({ ...base, PAGERDUTY_ROUTING_KEY: 'short-secret!' });
      expect(error.message).toContain('PAGERDUTY_ROUTING_KEY');
      expect(error.message).not.toContain('short-secret');
      expect(
        configError({ ...base, PAGERDUTY_ROUTING_KEY: KEY, PAGERDUTY_ROUTING_KEY_SECRET_ARN: ARN }).message,
      ).toContain('PAGERDUTY_ROUTING_KEY, PAGERDUTY_ROUTING_KEY_SECRET_ARN');
    });

    it('catches typos in the new prefixes', () => {
      expect(configError({ ...base, PAGERDUTY_ROUTNG_KEY: 'x' }).message).toContain('PAGERDUTY_ROUTNG_KEY');
      expect(configError({ ...base, GENERIC_WEBHOOK: 'x' }).message).toContain('GENERIC_WEBHOOK');
      expect(configError({ ...base, SESSION_URL: 'x' }).message).toContain('SESSION_URL');
    });
  });

  describe('delivery records', () => {
    it('keeps them in memory unless IDEMPOTENCY_TABLE names a table', () => {
      expect(loadConfig(base).idempotencyTable).toBeUndefined();
      expect(loadConfig({ ...base, IDEMPOTENCY_TABLE: 'notifier-prod-deliveries' }).idempotencyTable).toBe(
        'notifier-prod-deliveries',
      );
    });

    it('rejects a table name DynamoDB would refuse, and a misspelt variable', () => {
      expect(configError({ ...base, IDEMPOTENCY_TABLE: 'no spaces' }).message).toContain('IDEMPOTENCY_TABLE');
      expect(configError({ ...base, IDEMPOTENCY_TABEL: 'deliveries' }).message).toContain('IDEMPOTENCY_TABEL');
    });
  });

  it('fails on an unknown variable with our prefix, catching typos', () => {
    expect(configError({ ...base, BACKUP_API_TOKN: 'x' }).message).toContain('BACKUP_API_TOKN');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ ...base, TEAMS_WEBHOOK_URL: '' }).teams).toBeUndefined();
  });
});

describe('loadWatcherConfig', () => {
  it('defaults to a 1 h backfill, the three policy session types, no digest and a 26 h / 7 d missed-run rule', () => {
    const watch = loadWatcherConfig({}, 'https://appliance.example.com');
    expect(watch).toMatchObject({
      stateTable: undefined,
      sessionTypes: ['PolicyBackup', 'PolicySnapshot', 'PolicyArchive'],
      backfillMs: 3_600_000,
      overlapMs: 600_000,
      concurrency: 4,
      pageSize: 100,
      sessionUrl: 'https://appliance.example.com',
      digestCron: undefined,
      missedRunAfterMs: 26 * 3_600_000,
      missedRunLookbackMs: 7 * 86_400_000,
    });
  });

  it('reads durations, types and the digest schedule', () => {
    const watch = loadWatcherConfig({
      WATCHER_STATE_TABLE: 'notifier-state',
      WATCH_SESSION_TYPES: 'PolicyBackup, SqlPolicyBackup',
      WATCH_BACKFILL: '90m',
      DIGEST_CRON: 'cron(0 7 * * ? *)',
      MISSED_RUN_AFTER: '0h',
    });
    expect(watch.stateTable).toBe('notifier-state');
    expect(watch.sessionTypes).toEqual(['PolicyBackup', 'SqlPolicyBackup']);
    expect(watch.backfillMs).toBe(90 * 60_000);
    expect(watch.digestCron).toBe('cron(0 7 * * ? *)');
    expect(watch.missedRunAfterMs).toBe(0);
  });

  it.each([
    ['WATCH_BACKFILL', 'an hour'],
    ['WATCH_BACKFILL', '31d'],
    ['WATCH_SESSION_TYPES', 'PolicyBackup; DROP'],
    ['DIGEST_CRON', '0 7 * * *'],
    ['WATCH_CONCURRENCY', '0'],
  ])('rejects a malformed %s, naming it', (variable, value) => {
    expect(() => loadWatcherConfig({ [variable]: value })).toThrow(variable);
  });

  it('rejects a missed-run threshold longer than its lookback', () => {
    expect(() => loadWatcherConfig({ MISSED_RUN_AFTER: '8d' })).toThrow(/MISSED_RUN_AFTER.*MISSED_RUN_LOOKBACK/);
  });

  it('lets loadConfig accept the watcher variables but still reject a typo in them', () => {
    expect(() => loadConfig({ ...base, WATCH_BACKFILL: '2h', DIGEST_CRON: 'cron(0 7 * * ? *)' })).not.toThrow();
    expect(configError({ ...base, WATCH_BACKFIL: '2h' }).message).toContain('WATCH_BACKFIL');
    expect(configError({ ...base, MISSED_RUNS_AFTER: '2h' }).message).toContain('MISSED_RUNS_AFTER');
  });
});

describe('loadConfig, HTTP trigger signing secret', () => {
  it('is undefined unless set, a value from WEBHOOK_SIGNING_SECRET, or a Secrets Manager ARN', () => {
    expect(loadConfig(base).webhookSigning).toBeUndefined();
    expect(loadConfig({ ...base, WEBHOOK_SIGNING_SECRET: 'sixteen-chars-ok' }).webhookSigning).toEqual({
      kind: 'value',
      value: 'sixteen-chars-ok',
    });
    expect(loadConfig({ ...base, WEBHOOK_SIGNING_SECRET_ARN: ARN }).webhookSigning).toEqual({
      kind: 'secret',
      arn: ARN,
    });
  });

  it('refuses a short secret without echoing it', () => {
    const error = configError({ ...base, WEBHOOK_SIGNING_SECRET: 'short-secret' });
    expect(error.message).toContain('WEBHOOK_SIGNING_SECRET must be at least 16 characters');
    expect(error.message).not.toContain('short-secret');
  });

  it.each([
    ['16 spaces', ' '.repeat(16)],
    ['one repeated character', 'a'.repeat(32)],
    ['fewer than 8 distinct characters', 'abcabcabcabcabcabc'],
  ])('refuses a blank or low-entropy secret (%s), saying how to make one', (_name, secret) => {
    const error = configError({ ...base, WEBHOOK_SIGNING_SECRET: secret });
    expect(error.message).toContain('WEBHOOK_SIGNING_SECRET');
    expect(error.message).toContain('openssl rand -hex 32');
  });

  it('refuses both a value and an ARN', () => {
    expect(
      configError({ ...base, WEBHOOK_SIGNING_SECRET: 'sixteen-chars-ok', WEBHOOK_SIGNING_SECRET_ARN: ARN }).message,
    ).toBe('contradictory configuration: set only one of WEBHOOK_SIGNING_SECRET, WEBHOOK_SIGNING_SECRET_ARN');
  });

  it('catches a typo with the WEBHOOK_ prefix', () => {
    expect(configError({ ...base, WEBHOOK_SIGNING_SECRETARN: ARN }).message).toBe(
      'unknown configuration variable WEBHOOK_SIGNING_SECRETARN',
    );
  });
});
