import { describe, expect, it } from 'vitest';
import { parseAppliances } from '../../../src/config/appliances.ts';
import { loadConfig } from '../../../src/config/notifier.ts';
import { parseRoutes } from '../../../src/config/routes.ts';
import { chooseRoutes, globMatches } from '../../../src/core/routing.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

const PASSWORD = 'Sup3r-secret-pw-4711';
const good = {
  name: 'azure-prod',
  product: 'azure',
  url: 'https://backup.example.com/',
  username: 'n',
  password: PASSWORD,
};
const SLACK = 'https://hooks.slack.com/services/T0/B0/routepath';

const configError = (run: () => unknown): ConfigError => thrown(run, ConfigError);

describe('parseAppliances', () => {
  it('reads a valid list, defaulting the product to azure and trimming the URL', () => {
    const [first, second] = parseAppliances(
      JSON.stringify([good, { name: 'vbr-hq', product: 'vbr', url: 'https://vbr:9419', token: 'tok-1' }]),
      'APPLIANCES',
    );
    expect(first).toMatchObject({ name: 'azure-prod', product: 'azure', baseUrl: 'https://backup.example.com' });
    expect(second).toMatchObject({ name: 'vbr-hq', product: 'vbr', credentials: { kind: 'token', token: 'tok-1' } });
  });

  describe('when an entry is malformed', () => {
    it('names the entry and the field, and never the password', () => {
      const entries = [
        good,
        { ...good, name: 'azure-west', url: 'ftp://nope' },
        { ...good, name: 'azure-east', password: undefined },
      ];
      const error = configError(() => parseAppliances(JSON.stringify(entries), 'APPLIANCES'));
      expect(error.message).toContain('APPLIANCES[1] "azure-west": url must be an http(s) URL');
      expect(error.message).toContain('APPLIANCES[2] "azure-east": password is missing (username is set)');
      expect(error.message).not.toContain(PASSWORD);
    });

    it('names an invalid name by position without echoing it', () => {
      const error = configError(() => parseAppliances(JSON.stringify([{ ...good, name: 'Bad Name!' }]), 'APPLIANCES'));
      expect(error.message).toContain('APPLIANCES[0]: name must be 1-40 characters of a-z, 0-9 and -');
      expect(error.message).not.toContain('Bad Name!');
    });

    it('refuses a duplicate name, an unknown product and a misspelt field', () => {
      const entries = [good, good, { ...good, name: 'x', product: 'tape' }, { ...good, name: 'y', pasword: 'p' }];
      const error = configError(() => parseAppliances(JSON.stringify(entries), 'APPLIANCES'));
      expect(error.message).toContain('the name "azure-prod" is used twice');
      expect(error.message).toContain('APPLIANCES[2] "x": product must be one of azure, vbr, aws, gcp');
      expect(error.message).toContain('APPLIANCES[3] "y": unknown field pasword');
    });

    it('says the text is not JSON without quoting it', () => {
      const error = configError(() => parseAppliances(`[{"password":"${PASSWORD}"`, 'APPLIANCES'));
      expect(error.message).toMatch(/^APPLIANCES is not JSON/);
      expect(error.message).not.toContain(PASSWORD);
    });
  });
});

describe('loadConfig with a fleet', () => {
  const fleet = { APPLIANCES: JSON.stringify([good]), SLACK_WEBHOOK_URL: SLACK };

  it('turns the single-appliance variables into one appliance named default', () => {
    const config = loadConfig({
      BACKUP_API_URL: 'https://one.example.com',
      BACKUP_API_TOKEN: 'tok-x',
      SLACK_WEBHOOK_URL: SLACK,
    });
    expect(config.appliances).toMatchObject({ kind: 'list', appliances: [{ name: 'default', product: 'azure' }] });
  });

  it('refuses APPLIANCES together with the single-appliance variables, naming them', () => {
    const error = configError(() => loadConfig({ ...fleet, BACKUP_API_URL: 'https://one.example.com' }));
    expect(error.message).toContain(
      'APPLIANCES lists the appliances, so the single-appliance variables must not be set (BACKUP_API_URL)',
    );
  });

  it('refuses APPLIANCES together with APPLIANCES_SECRET_ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-AbCdEf';
    expect(configError(() => loadConfig({ ...fleet, APPLIANCES_SECRET_ARN: arn })).message).toContain(
      'set only one of APPLIANCES, APPLIANCES_SECRET_ARN',
    );
  });

  it('accepts routes in place of global destinations', () => {
    const routes = JSON.stringify([{ match: { appliance: 'azure-*' }, slack: SLACK }]);
    const config = loadConfig({ APPLIANCES: JSON.stringify([good]), ROUTES: routes });
    expect(config.slack).toBeUndefined();
    expect(config.routes).toMatchObject({ kind: 'list', rules: [{ label: 'route 1' }] });
  });
});

describe('parseRoutes', () => {
  it('reads "warnings" as the warning outcome and a secret reference as a secret', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:teams-AbCdEf';
    const [rule] = parseRoutes(
      JSON.stringify([{ match: { outcome: ['warnings'] }, teams: { secretArn: arn } }]),
      'ROUTES',
    );
    expect(rule?.match.outcomes).toEqual(['warning']);
    expect(rule?.teams).toEqual({ kind: 'secret', arn });
  });

  it('names the rule and the field of each problem, without the webhook URL', () => {
    const rules = [{ match: { outcome: 'exploded' }, slack: SLACK }, { match: {} }, { slack: 'not a url' }];
    const error = configError(() => parseRoutes(JSON.stringify(rules), 'ROUTES'));
    expect(error.message).toContain('ROUTES[0]: match.outcome');
    expect(error.message).toContain('ROUTES[1]: no destination');
    expect(error.message).toContain('ROUTES[2]: slack');
    expect(error.message).not.toContain('routepath');
  });
});

describe('chooseRoutes', () => {
  const rules = [
    { match: { appliance: 'azure-*', outcomes: ['failed' as const] }, continue: true },
    { match: { policy: 'SQL-*' }, continue: false },
    { match: {}, continue: false },
  ];

  it('delivers through a continuing rule and the next match, and stops there', () => {
    expect(chooseRoutes(rules, { appliance: 'azure-prod', policy: 'SQL-Nightly', outcome: 'failed' })).toEqual({
      rules: [0, 1],
      usesDefault: false,
    });
  });

  it('falls back to the default route when nothing matches', () => {
    expect(chooseRoutes(rules.slice(0, 2), { appliance: 'vbr-hq', policy: null, outcome: 'succeeded' })).toEqual({
      rules: [],
      usesDefault: true,
    });
  });

  it('matches globs whole and case-insensitively, with regex characters taken literally', () => {
    expect(globMatches('SQL-*', 'sql-nightly')).toBe(true);
    expect(globMatches('a.c', 'abc')).toBe(false);
    expect(globMatches('azure-?', 'azure-12')).toBe(false);
  });
});
