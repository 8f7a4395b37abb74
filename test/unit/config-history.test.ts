import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import { ConfigError } from '../../src/errors.ts';

const BASE = {
  BACKUP_API_URL: 'https://backup.example.com',
  BACKUP_API_TOKEN: 'appliance-token-0123456789',
};
const TOKEN = 'xoxb-1234567890-abcdefghij';
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-bot-AbCdEf';

describe('loadConfig', () => {
  describe('Slack app mode', () => {
    it('takes a bot token and a channel ID, with the public Web API by default', () => {
      const config = loadConfig({ ...BASE, SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: 'C0123ABCDEF' });
      expect(config.slackApp).toEqual({
        token: { kind: 'value', value: TOKEN },
        channel: 'C0123ABCDEF',
        apiUrl: 'https://slack.com/api',
      });
      expect(config.slack).toBeUndefined();
    });

    it('takes the token from a secret when deployed', () => {
      const config = loadConfig({ ...BASE, SLACK_BOT_TOKEN_SECRET_ARN: ARN, SLACK_CHANNEL: 'C0123ABCDEF' });
      expect(config.slackApp?.token).toEqual({ kind: 'secret', arn: ARN });
    });

    it.each([
      [{ SLACK_CHANNEL: 'C0123ABCDEF' }, /SLACK_CHANNEL is set but SLACK_BOT_TOKEN/],
      [{ SLACK_BOT_TOKEN: TOKEN }, /SLACK_BOT_TOKEN is set but SLACK_CHANNEL/],
      [{ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: '#backups' }, /SLACK_CHANNEL must be a Slack channel ID/],
      [{ SLACK_BOT_TOKEN: 'not-a-token', SLACK_CHANNEL: 'C0123ABCDEF' }, /SLACK_BOT_TOKEN must be a Slack bot token/],
      [
        { SLACK_BOT_TOKEN: TOKEN, SLACK_BOT_TOKEN_SECRET_ARN: ARN, SLACK_CHANNEL: 'C0123ABCDEF' },
        /set only one of SLACK_BOT_TOKEN, SLACK_BOT_TOKEN_SECRET_ARN/,
      ],
      [
        {
          SLACK_BOT_TOKEN: TOKEN,
          SLACK_CHANNEL: 'C0123ABCDEF',
          SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx',
        },
        /either SLACK_WEBHOOK_URL\(_SECRET_ARN\) or SLACK_BOT_TOKEN/,
      ],
    ])('rejects %j naming the problem', (env, message) => {
      expect(() => loadConfig({ ...BASE, ...env })).toThrow(ConfigError);
      expect(() => loadConfig({ ...BASE, ...env })).toThrow(message);
    });

    it.each([
      ['http://slack.example.com/api', /SLACK_API_URL must use https:\/\//],
      ['https://slack.example.com/api', /SLACK_API_URL must be Slack's Web API/],
    ])('refuses to send the token to %s', (url, message) => {
      expect(() =>
        loadConfig({ ...BASE, SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: 'C0123ABCDEF', SLACK_API_URL: url }),
      ).toThrow(message);
    });

    it('accepts a local emulator and, with the host check off, a proxy', () => {
      const app = { ...BASE, SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: 'C0123ABCDEF' };
      expect(loadConfig({ ...app, SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slackApp?.apiUrl).toBe(
        'http://127.0.0.1:9999/api',
      );
      expect(
        loadConfig({ ...app, SLACK_API_URL: 'https://proxy.example.com/slack/', WEBHOOK_HOST_CHECK: 'off' }).slackApp
          ?.apiUrl,
      ).toBe('https://proxy.example.com/slack');
    });

    it('never puts the token in an error', () => {
      const env = { ...BASE, SLACK_BOT_TOKEN: 'xoxb-secret-but-channel-missing-999' };
      expect(() => loadConfig(env)).toThrow(/SLACK_CHANNEL/);
      expect(() => loadConfig(env)).not.toThrow(/xoxb-secret/);
    });
  });

  describe('policy memory', () => {
    it('defaults to a factor of 3 and an in-memory store', () => {
      const config = loadConfig({ ...BASE, GENERIC_WEBHOOK_URL: 'https://hooks.example.com/x' });
      expect(config.durationAnomalyFactor).toBe(3);
      expect(config.historyTable).toBeUndefined();
    });

    it('reads HISTORY_TABLE and DURATION_ANOMALY_FACTOR', () => {
      const config = loadConfig({
        ...BASE,
        GENERIC_WEBHOOK_URL: 'https://hooks.example.com/x',
        HISTORY_TABLE: 'notifier-state',
        DURATION_ANOMALY_FACTOR: '2.5',
      });
      expect(config.historyTable).toBe('notifier-state');
      expect(config.durationAnomalyFactor).toBe(2.5);
    });

    it.each(['1', 'abc', '1000'])('rejects DURATION_ANOMALY_FACTOR=%s', (factor) => {
      expect(() =>
        loadConfig({ ...BASE, GENERIC_WEBHOOK_URL: 'https://hooks.example.com/x', DURATION_ANOMALY_FACTOR: factor }),
      ).toThrow(/DURATION_ANOMALY_FACTOR/);
    });

    it('accepts changes for the chat and generic thresholds, not for PagerDuty', () => {
      const config = loadConfig({
        ...BASE,
        GENERIC_WEBHOOK_URL: 'https://hooks.example.com/x',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx',
        SLACK_NOTIFY_ON: 'changes',
        GENERIC_NOTIFY_ON: 'changes',
      });
      expect(config.alerting.slack.notifyOn).toBe('changes');
      expect(config.alerting.generic.notifyOn).toBe('changes');
      expect(() =>
        loadConfig({ ...BASE, GENERIC_WEBHOOK_URL: 'https://hooks.example.com/x', PAGERDUTY_NOTIFY_ON: 'changes' }),
      ).toThrow(/PAGERDUTY_NOTIFY_ON/);
    });

    it('names a misspelt history variable', () => {
      expect(() =>
        loadConfig({ ...BASE, GENERIC_WEBHOOK_URL: 'https://hooks.example.com/x', HISTORY_TABEL: 'x' }),
      ).toThrow(/unknown configuration variable HISTORY_TABEL/);
    });
  });
});
