import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/notifier.ts';
import { describeDestinations, isLoopbackUrl, localEnv, planLocalRun } from '../../../src/dev/local-env.ts';

const EMULATOR = { url: 'http://127.0.0.1:4000', username: 'local-user', password: 'local-password' };
const sinkUrlFor = (name: string) => `http://127.0.0.1:5000/${name}/T0/B0/x`;

describe('planLocalRun', () => {
  it('hands every variable to the config, so a misspelt one is reported as in Lambda', () => {
    const plan = planLocalRun({ SLACK_WEBHOK_URL: 'https://hooks.slack.com/services/T0/B0/x' });

    expect(() => loadConfig(localEnv(plan, { appliance: EMULATOR, sinkUrlFor }))).toThrow(
      'unknown configuration variable SLACK_WEBHOK_URL',
    );
  });

  it.each([
    [{ BACKUP_API_TOKEN: 'abc' }, 'BACKUP_API_URL is missing: BACKUP_API_TOKEN is set for a real appliance'],
    [
      { BACKUP_API_USERNAME: 'me', BACKUP_API_PASSWORD: 'pw' },
      'BACKUP_API_URL is missing: BACKUP_API_USERNAME, BACKUP_API_PASSWORD are set',
    ],
  ])(
    'refuses appliance credentials without BACKUP_API_URL instead of mixing them with the emulator’s (%o)',
    (env, message) => {
      expect(() => planLocalRun(env)).toThrow(message);
    },
  );

  it('uses the emulator and its own credentials when the user gave none', () => {
    const plan = planLocalRun({ BACKUP_API_URL: '', PATH: '/usr/bin' });
    const env = localEnv(plan, { appliance: EMULATOR, sinkUrlFor });

    expect(plan.appliance).toBe('emulator');
    expect(env).toMatchObject({ BACKUP_API_URL: EMULATOR.url, BACKUP_API_USERNAME: 'local-user' });
    expect(env.BACKUP_API_TOKEN).toBeUndefined();
  });

  it('sends PagerDuty to the local sink when only a routing key is set, and says so', () => {
    const plan = planLocalRun({ PAGERDUTY_ROUTING_KEY: 'R0123456789abcdef0123456789abcdef' });
    const env = localEnv(plan, { appliance: EMULATOR, sinkUrlFor });

    expect(env.PAGERDUTY_EVENTS_URL).toBe(sinkUrlFor('pagerduty'));
    expect(loadConfig(env).pagerduty?.eventsUrl).toBe(sinkUrlFor('pagerduty'));
    expect(describeDestinations(plan)).toBe('pagerduty local sink (PAGERDUTY_EVENTS_URL is not set)');
  });

  it('lists each destination as real or local', () => {
    const plan = planLocalRun({
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
      TEAMS_WEBHOOK_URL: 'http://localhost:8080/teams',
      PAGERDUTY_ROUTING_KEY: 'R0123456789abcdef0123456789abcdef',
      PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com/v2/enqueue',
      GENERIC_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:generic-AbCdEf',
    });

    expect(describeDestinations(plan)).toBe('slack real, teams local (loopback URL), pagerduty real, generic real');
    expect(localEnv(plan, { sinkUrlFor }).SLACK_WEBHOOK_URL).toBe('https://hooks.slack.com/services/T0/B0/x');
  });

  it('stands in Slack and Teams with the sink when no destination is named', () => {
    expect(describeDestinations(planLocalRun({}))).toBe('slack local sink, teams local sink');
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:80/x', true],
    ['http://localhost/x', true],
    ['http://[::1]:9/x', true],
    ['https://hooks.slack.com/services/x', false],
    ['http://127.0.0.1.example.com/x', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});
