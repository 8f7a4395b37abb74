import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/notifier.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:notifier/x-AbCdEf';
const SLACK = 'https://hooks.slack.com/services/T0/B0/notifiermore';
const FLEET = JSON.stringify([{ name: 'azure-a', url: 'https://a.example.com', token: 'tok-a-1234' }]);

/** The smallest valid single-appliance environment, with `extra` on top (undefined removes a variable). */
function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    BACKUP_API_URL: 'https://appliance.example.com',
    BACKUP_API_TOKEN: 'tok-123456',
    SLACK_WEBHOOK_URL: SLACK,
    ...extra,
  };
}

const configError = (variables: Record<string, string | undefined>): string =>
  thrown(() => loadConfig(variables), ConfigError).message;

describe('loadConfig', () => {
  it('fills in every default of a minimal configuration', () => {
    const config = loadConfig(env());

    expect(config).toMatchObject({
      api: {
        product: 'azure',
        baseUrl: 'https://appliance.example.com',
        version: 'v1',
        caCertPem: undefined,
        insecureTls: false,
        allowHttp: false,
      },
      appliances: { kind: 'list', appliances: [{ name: 'default', sessionUrlTemplate: undefined }] },
      routes: undefined,
      slackApp: undefined,
      teams: undefined,
      pagerduty: undefined,
      generic: undefined,
      webhookSigning: undefined,
      deadlineMarginMs: 1_500,
      httpTimeoutMs: 10_000,
      idempotencyTable: undefined,
      webhookHostCheck: true,
      historyTable: undefined,
      durationAnomalyFactor: 3,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.api)).toBe(true);
  });

  describe('time limits', () => {
    it.each([
      ['0', 0],
      ['900000', 900_000],
    ])('accepts %s ms, the edges of the range', (value, ms) => {
      const config = loadConfig(env({ NOTIFIER_DEADLINE_MARGIN_MS: value, NOTIFIER_HTTP_TIMEOUT_MS: value }));

      expect(config.deadlineMarginMs).toBe(ms);
      expect(config.httpTimeoutMs).toBe(ms);
    });

    it.each(['900001', '-1', '1.5', 'soon'])('refuses %s ms, naming the variable', (value) => {
      expect(configError(env({ NOTIFIER_HTTP_TIMEOUT_MS: value }))).toMatch(
        /^invalid configuration: NOTIFIER_HTTP_TIMEOUT_MS /,
      );
    });
  });

  it('turns the destination host check off only for "off"', () => {
    expect(loadConfig(env({ WEBHOOK_HOST_CHECK: 'off' })).webhookHostCheck).toBe(false);
    expect(loadConfig(env({ WEBHOOK_HOST_CHECK: 'on' })).webhookHostCheck).toBe(true);
  });

  it('keeps the CA certificate and the http allowance of the single appliance', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

    const config = loadConfig(
      env({ BACKUP_API_URL: 'http://backup.example.com', BACKUP_API_ALLOW_HTTP: '1', BACKUP_API_CA_CERT: pem }),
    );

    expect(config.api).toMatchObject({ caCertPem: pem, allowHttp: true });
    expect(config.appliances).toMatchObject({ kind: 'list', appliances: [{ caCertPem: pem, allowHttp: true }] });
  });

  it('gives the single appliance the console link', () => {
    const template = 'https://appliance.example.com/#/sessions/{sessionId}';

    expect(loadConfig(env({ SESSION_URL_TEMPLATE: template })).appliances).toMatchObject({
      appliances: [{ name: 'default', sessionUrlTemplate: template }],
    });
  });

  describe('the API version', () => {
    it.each([
      ['azure', '1.2-rev1', 'v1 or v8.1'],
      ['vbr', 'v1', '1.2-rev1 or 1.3-rev2'],
    ])('refuses a version in the wrong form for %s, saying the right one', (product, version, example) => {
      expect(configError(env({ BACKUP_PRODUCT: product, BACKUP_API_VERSION: version }))).toBe(
        `invalid configuration: BACKUP_API_VERSION must look like ${example} for BACKUP_PRODUCT=${product}`,
      );
    });

    it('trims a padded version', () => {
      expect(loadConfig(env({ BACKUP_API_VERSION: ' v8.1 ' })).api?.version).toBe('v8.1');
    });
  });

  describe('credentials', () => {
    it('names every way to set them when none is set', () => {
      expect(configError(env({ BACKUP_API_TOKEN: undefined }))).toBe(
        'missing appliance credentials: set BACKUP_API_TOKEN, or BACKUP_API_USERNAME and BACKUP_API_PASSWORD, or BACKUP_API_SECRET_ARN',
      );
    });

    it('names each pair of sources that contradict each other', () => {
      expect(configError(env({ BACKUP_API_SECRET_ARN: ARN }))).toBe(
        'contradictory appliance credentials: set only one of BACKUP_API_TOKEN, BACKUP_API_SECRET_ARN',
      );
      expect(
        configError(env({ BACKUP_API_TOKEN: undefined, BACKUP_API_PASSWORD: 'pw-1', BACKUP_API_SECRET_ARN: ARN })),
      ).toBe(
        'contradictory appliance credentials: set only one of BACKUP_API_USERNAME/BACKUP_API_PASSWORD, BACKUP_API_SECRET_ARN',
      );
      expect(configError(env({ BACKUP_API_USERNAME: 'n' }))).toBe(
        'contradictory appliance credentials: set only one of BACKUP_API_TOKEN, BACKUP_API_USERNAME/BACKUP_API_PASSWORD',
      );
    });

    it('names the missing username when only the password is set', () => {
      expect(configError(env({ BACKUP_API_TOKEN: undefined, BACKUP_API_PASSWORD: 'pw-secret-77' }))).toBe(
        'BACKUP_API_USERNAME is missing (BACKUP_API_PASSWORD is set)',
      );
    });

    it('names the missing password when only the username is set', () => {
      expect(configError(env({ BACKUP_API_TOKEN: undefined, BACKUP_API_USERNAME: 'n' }))).toBe(
        'BACKUP_API_PASSWORD is missing (BACKUP_API_USERNAME is set)',
      );
    });

    it('takes a padded username and password without their spaces', () => {
      const config = loadConfig(
        env({ BACKUP_API_TOKEN: undefined, BACKUP_API_USERNAME: ' notifier ', BACKUP_API_PASSWORD: '\tpw-1\t' }),
      );

      expect(config.api?.credentials).toEqual({ kind: 'password', username: 'notifier', password: 'pw-1' });
    });
  });

  describe('a listed fleet', () => {
    it('ignores blank single-appliance variables', () => {
      const config = loadConfig({
        APPLIANCES: FLEET,
        SLACK_WEBHOOK_URL: SLACK,
        BACKUP_API_URL: '',
        BACKUP_API_TOKEN: '',
      });

      expect(config.api).toBeUndefined();
      expect(config.appliances).toMatchObject({ kind: 'list', appliances: [{ name: 'azure-a' }] });
    });

    it('names every single-appliance variable that is set, sorted, BACKUP_PRODUCT included', () => {
      expect(
        configError({ APPLIANCES: FLEET, SLACK_WEBHOOK_URL: SLACK, BACKUP_PRODUCT: 'vbr', BACKUP_API_TOKEN: 'tok-x' }),
      ).toBe(
        'contradictory configuration: APPLIANCES lists the appliances, so the single-appliance variables must not be set (BACKUP_API_TOKEN, BACKUP_PRODUCT)',
      );
    });

    it('says which fleet variable is set when the fleet is in a secret', () => {
      expect(
        configError({ APPLIANCES_SECRET_ARN: ARN, SLACK_WEBHOOK_URL: SLACK, BACKUP_API_URL: 'https://x.example.com' }),
      ).toBe(
        'contradictory configuration: APPLIANCES_SECRET_ARN lists the appliances, so the single-appliance variables must not be set (BACKUP_API_URL)',
      );
    });

    it('reads the fleet from a secret, with no single appliance', () => {
      const config = loadConfig({ APPLIANCES_SECRET_ARN: ARN, SLACK_WEBHOOK_URL: SLACK });

      expect(config.api).toBeUndefined();
      expect(config.appliances).toEqual({ kind: 'secret', arn: ARN });
    });
  });

  describe('destinations', () => {
    it.each([
      ['TEAMS_WEBHOOK', 'TEAMS_WEBHOOK_URL', 'https://x.webhook.office.com/y'],
      ['GENERIC_WEBHOOK', 'GENERIC_WEBHOOK_URL', 'https://hooks.example.com/y'],
    ])('refuses both a %s URL and its secret ARN', (prefix, variable, url) => {
      expect(configError(env({ [variable]: url, [`${prefix}_SECRET_ARN`]: ARN }))).toBe(
        `contradictory configuration: set only one of ${variable}, ${prefix}_SECRET_ARN`,
      );
    });

    it('takes each destination from a secret ARN', () => {
      const config = loadConfig(
        env({
          SLACK_WEBHOOK_URL: undefined,
          SLACK_WEBHOOK_SECRET_ARN: ARN,
          TEAMS_WEBHOOK_SECRET_ARN: ARN,
          GENERIC_WEBHOOK_SECRET_ARN: ARN,
        }),
      );

      expect(config.slack).toEqual({ kind: 'secret', arn: ARN });
      expect(config.teams).toEqual({ kind: 'secret', arn: ARN });
      expect(config.generic).toEqual({ kind: 'secret', arn: ARN });
    });

    it('refuses a Slack webhook together with the Slack app', () => {
      expect(configError(env({ SLACK_BOT_TOKEN: 'xoxb-0123456789-abcdef', SLACK_CHANNEL: 'C0123ABCDEF' }))).toBe(
        'contradictory Slack configuration: set either SLACK_WEBHOOK_URL(_SECRET_ARN) or SLACK_BOT_TOKEN(_SECRET_ARN) with SLACK_CHANNEL',
      );
    });

    it.each([
      [{ SLACK_BOT_TOKEN: 'xoxb-0123456789-abcdef', SLACK_CHANNEL: 'C0123ABCDEF' }, 'slackApp'],
      [{ TEAMS_WEBHOOK_URL: 'https://x.webhook.office.com/y' }, 'teams'],
      [{ GENERIC_WEBHOOK_URL: 'https://hooks.example.com/y' }, 'generic'],
    ] as const)('accepts %o as the only destination', (destination, field) => {
      const config = loadConfig(env({ SLACK_WEBHOOK_URL: undefined, ...destination }));

      expect(config.slack).toBeUndefined();
      expect(config[field]).toBeDefined();
    });

    it('names every destination variable when none is set and no route delivers', () => {
      expect(configError(env({ SLACK_WEBHOOK_URL: undefined }))).toBe(
        'no destination configured: set SLACK_WEBHOOK_URL or SLACK_WEBHOOK_SECRET_ARN (or SLACK_BOT_TOKEN and SLACK_CHANNEL), and/or TEAMS_WEBHOOK_URL or TEAMS_WEBHOOK_SECRET_ARN, and/or PAGERDUTY_ROUTING_KEY(_SECRET_ARN), and/or GENERIC_WEBHOOK_URL(_SECRET_ARN)',
      );
    });

    it('pages on problems through a configured Events API endpoint', () => {
      const key = 'R0uting0Key0Config0123456789abcd';

      const config = loadConfig(
        env({
          PAGERDUTY_ROUTING_KEY: key,
          PAGERDUTY_EVENTS_URL: 'https://events.eu.pagerduty.com/v2/enqueue',
          PAGERDUTY_NOTIFY_ON: 'problems',
        }),
      );

      expect(config.pagerduty).toEqual({
        routingKey: { kind: 'value', value: key },
        eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue',
        notifyOn: 'problems',
      });
    });

    it('reads the generic threshold and leaves the Teams mention out when unset', () => {
      const config = loadConfig(env({ GENERIC_NOTIFY_ON: 'failures', TEAMS_MENTION_ON: 'problems' }));

      expect(config.alerting.generic).toEqual({ notifyOn: 'failures' });
      expect(config.alerting.teams).toEqual({ notifyOn: 'all', mention: undefined, mentionOn: 'problems' });
    });
  });

  describe('URL problems', () => {
    it('lists the appliance URL problem first and every destination problem after it', () => {
      const message = configError(
        env({ BACKUP_API_URL: 'http://backup.example.com', TEAMS_WEBHOOK_URL: 'http://x.webhook.office.com/y' }),
      );

      expect(message).toMatch(/^invalid configuration: BACKUP_API_URL uses http:\/\/.+; TEAMS_WEBHOOK_URL .+$/);
    });
  });
});
