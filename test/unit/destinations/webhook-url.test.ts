import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/notifier.ts';
import { destinationUrlProblem } from '../../../src/destinations/webhook-url.ts';
import { ConfigError } from '../../../src/errors.ts';

const SLACK = 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx';
const TEAMS =
  'https://prod-12.westeurope.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';
const TEAMS_POWER_PLATFORM =
  'https://default0123456789abcdef0123456789ab.cd.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=1&sig=AbCdEf0123456789';

const base = { BACKUP_API_URL: 'https://appliance.example.com', BACKUP_API_TOKEN: 'tok-abcdef-123456' };

function configProblem(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('destinationUrlProblem', () => {
  describe('accepts', () => {
    it.each([
      ['slack', SLACK],
      ['slack', SLACK.replace('hooks.slack.com', 'hooks.slack-gov.com')],
      ['slack', 'https://hooks.slack.com/workflows/T0123ABCD/A0123ABCD/123456789012345678/abcdefABCDEF0123'],
      ['slack', 'https://hooks.slack.com/triggers/T0123ABCD/1234567890123/abcdef0123456789abcdef0123456789'],
      ['teams', TEAMS],
      ['teams', TEAMS_POWER_PLATFORM],
      ['pagerduty', 'https://events.pagerduty.com/v2/enqueue'],
      ['pagerduty', 'https://events.eu.pagerduty.com/v2/enqueue'],
      ['generic', 'https://tool.example.com/hook'],
    ] as const)('a %s URL of the documented form', (kind, url) => {
      expect(destinationUrlProblem(kind, url, { hostCheck: true })).toBeUndefined();
    });

    it.each(['http://127.0.0.1:8080/slack/x', 'http://localhost:8080/x', 'http://[::1]:9000/x', 'http://127.1.2.3/x'])(
      'a loopback address over http with any host and path (local sinks): %s',
      (url) => {
        for (const kind of ['slack', 'teams', 'pagerduty', 'generic'] as const) {
          expect(destinationUrlProblem(kind, url, { hostCheck: true })).toBeUndefined();
        }
      },
    );
  });

  describe('refuses', () => {
    it('a Slack webhook path with anything before /services or after the token', () => {
      const before = 'https://hooks.slack.com/api/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx';
      const after = `${SLACK}.json`;

      for (const url of [before, after]) {
        expect(destinationUrlProblem('slack', url, { hostCheck: true })).toBe(
          'SLACK_WEBHOOK_URL must be a Slack incoming webhook, https://hooks.slack.com/services/T…/B…/… (got host hooks.slack.com; set WEBHOOK_HOST_CHECK=off only if a proxy stands in between)',
        );
      }
    });

    it('a Teams URL on another host, listing every Workflows host it may be on', () => {
      expect(destinationUrlProblem('teams', 'https://example.com/hook', { hostCheck: true })).toBe(
        'TEAMS_WEBHOOK_URL must be a Teams Workflows (Power Automate) webhook on *.logic.azure.com, *.logic.azure.us, *.api.powerplatform.com, *.api.powerplatform.us, *.webhook.office.com (got host example.com; set WEBHOOK_HOST_CHECK=off only if a proxy stands in between)',
      );
    });

    it('plain http:// to anything but loopback, even with the host check off', () => {
      const problem = destinationUrlProblem('slack', SLACK.replace('https:', 'http:'), { hostCheck: false });
      expect(problem).toMatch(/must use https:\/\//);
    });

    it('the instance metadata address, whatever the destination', () => {
      for (const kind of ['slack', 'teams', 'pagerduty', 'generic'] as const) {
        expect(
          destinationUrlProblem(kind, 'https://169.254.169.254/latest/meta-data', { hostCheck: true }),
        ).toBeDefined();
      }
    });

    it('a Teams address in the Slack variable, saying where it belongs', () => {
      expect(destinationUrlProblem('slack', TEAMS, { hostCheck: true })).toMatch(
        /looks like a Teams .*TEAMS_WEBHOOK_URL/,
      );
    });

    it('a Slack address in the Teams variable, saying where it belongs', () => {
      expect(destinationUrlProblem('teams', SLACK, { hostCheck: true })).toMatch(
        /looks like a Slack .*SLACK_WEBHOOK_URL/,
      );
    });

    it('a Slack host with a path that is not a webhook', () => {
      expect(
        destinationUrlProblem('slack', 'https://hooks.slack.com/api/chat.postMessage', { hostCheck: true }),
      ).toMatch(/\/services\/T…\/B…\/…/);
    });

    it('an unknown host for Teams or PagerDuty, naming the expected hosts', () => {
      expect(destinationUrlProblem('teams', 'https://example.com/x', { hostCheck: true })).toMatch(/logic\.azure\.com/);
      expect(destinationUrlProblem('pagerduty', 'https://example.com/x', { hostCheck: true })).toMatch(
        /events\.pagerduty\.com/,
      );
    });

    it('never names the path or query, which hold the secret', () => {
      const problem = destinationUrlProblem('teams', SLACK, { hostCheck: true }) ?? '';
      expect(problem).not.toContain('abcdefghijklmnopqrstuvwx');
      expect(problem).not.toContain('/services/');
    });
  });

  it('lets WEBHOOK_HOST_CHECK=off through any https host (a proxy), but never http', () => {
    expect(destinationUrlProblem('slack', 'https://proxy.corp.example/slack', { hostCheck: false })).toBeUndefined();
    expect(destinationUrlProblem('slack', 'http://proxy.corp.example/slack', { hostCheck: false })).toBeDefined();
  });
});

describe('loadConfig, destination URLs', () => {
  it.each([
    ['SLACK_WEBHOOK_URL', 'http://169.254.169.254/latest/meta-data'],
    ['TEAMS_WEBHOOK_URL', 'http://example.com:8080/x'],
    ['SLACK_WEBHOOK_URL', TEAMS],
    ['GENERIC_WEBHOOK_URL', 'http://tool.example.com/hook'],
    ['PAGERDUTY_EVENTS_URL', 'https://example.com/enqueue'],
  ])('refuses %s=%s, naming the variable', (variable, url) => {
    const env: Record<string, string> = { [variable]: url };
    if (variable === 'PAGERDUTY_EVENTS_URL') env.PAGERDUTY_ROUTING_KEY = 'R0uting0Key0Unit0123456789abcdef';
    const problem = configProblem(env);
    expect(problem).toContain(variable);
    expect(problem).not.toContain('meta-data');
  });

  it('accepts a proxy host with WEBHOOK_HOST_CHECK=off, and still refuses http there', () => {
    const proxy = { SLACK_WEBHOOK_URL: 'https://proxy.corp.example/slack', WEBHOOK_HOST_CHECK: 'off' };
    expect(loadConfig({ ...base, ...proxy }).slack).toEqual({ kind: 'value', value: proxy.SLACK_WEBHOOK_URL });
    expect(configProblem({ ...proxy, SLACK_WEBHOOK_URL: 'http://proxy.corp.example/slack' })).toMatch(/https/);
  });

  it('accepts the documented Slack and Teams forms', () => {
    const config = loadConfig({ ...base, SLACK_WEBHOOK_URL: SLACK, TEAMS_WEBHOOK_URL: TEAMS });
    expect(config.teams).toEqual({ kind: 'value', value: TEAMS });
  });
});
