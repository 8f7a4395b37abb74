import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { appliancesRef, parseAppliances } from '../../../src/config/appliances.ts';
import { flag, loggerEnv, parseConfigJson, parseEnv, rejectUnknownVariables } from '../../../src/config/env.ts';
import { loadConfig, notifierEnv } from '../../../src/config/notifier.ts';
import { parseRoutes, routesRef } from '../../../src/config/routes.ts';
import { applianceBaseUrl, applianceUrlProblem, isClearTextAppliance } from '../../../src/config/urls.ts';
import { defaultSessionTypes, loadWatcherConfig } from '../../../src/config/watcher.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-AbCdEf';

const configError = (run: () => unknown): ConfigError => thrown(run, ConfigError);

function entry(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'azure-prod', url: 'https://backup.example.com', token: 'tok-1234', ...fields };
}

const appliancesOf = (...entries: unknown[]) => parseAppliances(JSON.stringify(entries), 'APPLIANCES');

describe('parseAppliances', () => {
  describe('when the text is not a list of appliances', () => {
    it.each(['{}', '[]', '"azure"', 'null'])('refuses %s, saying what is expected', (json) => {
      expect(configError(() => parseAppliances(json, 'APPLIANCES')).message).toBe(
        'APPLIANCES must be a non-empty JSON array of appliances ({ "name", "url", … })',
      );
    });

    it('names the secret it came from', () => {
      expect(configError(() => parseAppliances('[]', `secret ${SECRET_ARN}`)).message).toBe(
        `secret ${SECRET_ARN} must be a non-empty JSON array of appliances ({ "name", "url", … })`,
      );
    });
  });

  it('fills in the defaults: product azure, TLS verified, https only, no console link, no version', () => {
    const [appliance] = appliancesOf(entry());

    expect(appliance).toEqual({
      name: 'azure-prod',
      product: 'azure',
      baseUrl: 'https://backup.example.com',
      version: undefined,
      credentials: { kind: 'token', token: 'tok-1234' },
      caCertPem: undefined,
      insecureTls: false,
      allowHttp: false,
      sessionUrlTemplate: undefined,
    });
    expect(Object.isFrozen(appliance)).toBe(true);
  });

  it('keeps every optional field as given', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const [appliance] = appliancesOf(
      entry({
        product: 'vbr',
        url: 'https://vbr.example.com:9419/api/',
        version: '1.3-rev2',
        caCert: pem,
        insecureTls: true,
        sessionUrlTemplate: 'https://vbr.example.com/#/s/{sessionId}',
      }),
    );

    expect(appliance).toMatchObject({
      product: 'vbr',
      baseUrl: 'https://vbr.example.com:9419',
      version: '1.3-rev2',
      caCertPem: pem,
      insecureTls: true,
      sessionUrlTemplate: 'https://vbr.example.com/#/s/{sessionId}',
    });
  });

  describe('the API version', () => {
    it.each([
      ['vbr', 'v1', 'version must look like 1.2-rev1 or 1.3-rev2 for product vbr'],
      ['aws', 'v8.1', 'version must look like 1.0-rev0 or 1.7-rev0 for product aws'],
      ['gcp', '1.2', 'version must look like 1.2-rev0 or 1.4-rev0 for product gcp'],
      ['azure', '1.2-rev1', 'version must look like v1 or v8.1 for product azure'],
    ])('is checked against the form product %s uses', (product, version, message) => {
      const error = configError(() => appliancesOf(entry({ product, version })));

      expect(error.message).toBe(`invalid APPLIANCES: APPLIANCES[0] "azure-prod": ${message}`);
    });

    it.each([
      ['azure', 'v8.1'],
      ['vbr', '1.2-rev1'],
    ])('accepts the form of product %s (%s)', (product, version) => {
      expect(appliancesOf(entry({ product, version }))[0]?.version).toBe(version);
    });
  });

  describe('a plain http:// URL', () => {
    it('is refused for a remote appliance unless allowHttp is true', () => {
      const error = configError(() => appliancesOf(entry({ url: 'http://backup.example.com' })));

      expect(error.message).toBe(
        'invalid APPLIANCES: APPLIANCES[0] "azure-prod": url uses http://: the credentials would cross the network in clear; use https:// (caCert trusts a self-signed appliance), or set "allowHttp": true',
      );
      expect(() => appliancesOf(entry({ url: 'http://backup.example.com', allowHttp: false }))).toThrow(
        /url uses http:/,
      );
    });

    it('is accepted with allowHttp true, which the appliance keeps for the warning', () => {
      const [appliance] = appliancesOf(entry({ url: 'http://backup.example.com/', allowHttp: true }));

      expect(appliance?.baseUrl).toBe('http://backup.example.com');
      expect(appliance?.allowHttp).toBe(true);
    });

    it('is accepted for a loopback emulator without allowHttp', () => {
      expect(appliancesOf(entry({ url: 'http://127.0.0.1:8080' }))[0]?.baseUrl).toBe('http://127.0.0.1:8080');
    });
  });

  describe('credentials', () => {
    it.each([
      [{ username: 'n' }, 'set either token, or username and password, not both'],
      [{ password: 'pw-secret-1' }, 'set either token, or username and password, not both'],
    ])('refuses a token together with an account (%o)', (extra, message) => {
      const error = configError(() => appliancesOf(entry(extra)));

      expect(error.message).toBe(`invalid APPLIANCES: APPLIANCES[0] "azure-prod": ${message}`);
      expect(error.message).not.toContain('tok-1234');
      expect(error.message).not.toContain('pw-secret-1');
    });

    it('names each missing part', () => {
      const entries = [
        { name: 'a', url: 'https://a.example.com' },
        { name: 'b', url: 'https://b.example.com', password: 'pw-secret-1' },
        { name: 'c', url: 'https://c.example.com', username: 'n' },
      ];

      const error = configError(() => appliancesOf(...entries));

      expect(error.message).toBe(
        'invalid APPLIANCES: APPLIANCES[0] "a": credentials are missing: set token, or username and password; ' +
          'APPLIANCES[1] "b": username is missing (password is set); APPLIANCES[2] "c": password is missing (username is set)',
      );
    });

    it('takes a username and password as the password grant account', () => {
      const [appliance] = appliancesOf({ name: 'a', url: 'https://a.example.com', username: 'n', password: 'p' });

      expect(appliance?.credentials).toEqual({ kind: 'password', username: 'n', password: 'p' });
    });

    it('refuses blank credentials after trimming', () => {
      expect(configError(() => appliancesOf(entry({ token: '   ' }))).message).toBe(
        'invalid APPLIANCES: APPLIANCES[0] "azure-prod": token must not be empty',
      );
    });
  });

  describe('problem lists', () => {
    it('lists at most ten problems', () => {
      const entries = Array.from({ length: 12 }, (_, i) => ({ name: `a-${i}`, url: 'ftp://x' }));

      const message = configError(() => appliancesOf(...entries)).message;

      expect(message.split('; ')).toHaveLength(10);
      expect(message).toContain('APPLIANCES[9] "a-9": url must be an http(s) URL');
      expect(message).not.toContain('APPLIANCES[10]');
    });

    it('calls an entry that is not an object "entry", by position', () => {
      expect(configError(() => appliancesOf(5)).message).toMatch(/^invalid APPLIANCES: APPLIANCES\[0\]: entry /);
    });

    it('labels an entry whose name is not text by position only', () => {
      expect(configError(() => appliancesOf(entry({ name: 7 }))).message).toMatch(
        /^invalid APPLIANCES: APPLIANCES\[0\]: name /,
      );
    });

    it('cuts a very long unknown field name to 40 characters', () => {
      const long = `x${'y'.repeat(60)}`;

      const message = configError(() => appliancesOf(entry({ [long]: 1 }))).message;

      expect(message).toMatch(new RegExp(`unknown field ${long.slice(0, 40)}$`));
      expect(message).not.toContain(long.slice(0, 41));
    });

    it('reports a name used three times once per repeat, naming it', () => {
      const message = configError(() => appliancesOf(entry(), entry(), entry())).message;

      expect(message).toBe(
        'invalid APPLIANCES: APPLIANCES: the name "azure-prod" is used twice (names must be unique); APPLIANCES: the name "azure-prod" is used twice (names must be unique)',
      );
    });
  });
});

describe('appliancesRef', () => {
  it('prefers the secret, then the listed fleet, then the single appliance', () => {
    const list = JSON.stringify([entry()]);
    const single = appliancesOf(entry({ name: 'default' }))[0];

    expect(appliancesRef({ APPLIANCES_SECRET_ARN: SECRET_ARN }, single)).toEqual({ kind: 'secret', arn: SECRET_ARN });
    expect(appliancesRef({ APPLIANCES: list }, single)).toMatchObject({
      kind: 'list',
      appliances: [{ name: 'azure-prod' }],
    });
    expect(appliancesRef({}, single)).toEqual({ kind: 'list', appliances: [single] });
  });

  it('treats empty variables as unset', () => {
    expect(configError(() => appliancesRef({ APPLIANCES: '', APPLIANCES_SECRET_ARN: '' }, undefined)).message).toBe(
      'no appliance configured',
    );
  });
});

describe('env helpers', () => {
  it('reads a flag from true/1 as true and false/0 or unset as false', () => {
    expect(flag.parse('true')).toBe(true);
    expect(flag.parse('1')).toBe(true);
    expect(flag.parse('false')).toBe(false);
    expect(flag.parse('0')).toBe(false);
    expect(flag.parse(undefined)).toBe(false);
  });

  it('names "environment" for a problem that belongs to no variable', () => {
    const schema = z.object({ A: z.optional(z.string()) }).check(z.refine(() => false, 'is not usable'));

    const error = configError(() => parseEnv(schema, ['A'], { A: 'x' }, 'test configuration'));

    expect(error.message).toBe('invalid test configuration: environment is not usable');
  });

  it('joins several problems with semicolons, each naming its variable and never its value', () => {
    const schema = z.object({ A: z.literal('ok'), B: z.literal('ok') });

    const error = configError(() => parseEnv(schema, ['A', 'B'], { A: 'hunter2', B: 'hunter3' }, 'settings'));

    expect(error.message).toMatch(/^invalid settings: A .+; B .+$/);
    expect(error.message).not.toContain('hunter');
  });

  it('lists every unknown variable with our prefixes, sorted, and ignores other variables', () => {
    expect(() => rejectUnknownVariables({ PATH: '/bin', AWS_REGION: 'x', SLACK_WEBHOOK_URL: 'x' })).not.toThrow();

    const error = configError(() => rejectUnknownVariables({ WATCH_TYPO: '1', BACKUP_API_URLL: 'x', ROUTESX: 'y' }));

    expect(error.message).toBe('unknown configuration variable BACKUP_API_URLL, ROUTESX, WATCH_TYPO');
  });

  it('says configuration JSON is not JSON by its length, never quoting it', () => {
    const error = configError(() => parseConfigJson('{"password":"pw-9"', 'ROUTES'));

    expect(error.message).toBe('ROUTES is not JSON (18 characters)');
    expect(parseConfigJson('[1]', 'ROUTES')).toEqual([1]);
  });
});

describe('loggerEnv', () => {
  it('prefers POWERTOOLS_LOG_LEVEL over AWS_LAMBDA_LOG_LEVEL, in any case', () => {
    expect(loggerEnv({ POWERTOOLS_LOG_LEVEL: 'warn', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }).logLevel).toBe('WARN');
    expect(loggerEnv({ AWS_LAMBDA_LOG_LEVEL: 'error' }).logLevel).toBe('ERROR');
  });

  it('maps TRACE to DEBUG and CRITICAL to ERROR, and leaves unknown or unset levels to the default', () => {
    expect(loggerEnv({ POWERTOOLS_LOG_LEVEL: 'trace' }).logLevel).toBe('DEBUG');
    expect(loggerEnv({ AWS_LAMBDA_LOG_LEVEL: 'CRITICAL' }).logLevel).toBe('ERROR');
    expect(loggerEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' }).logLevel).toBe('SILENT');
    expect(loggerEnv({ POWERTOOLS_LOG_LEVEL: 'LOUD' }).logLevel).toBeUndefined();
    expect(loggerEnv({}).logLevel).toBeUndefined();
  });

  it('reads the trace root on each call, and the service name and initialization type', () => {
    const env: Record<string, string | undefined> = {
      _X_AMZN_TRACE_ID: 'Root=1-abc-def;Parent=53995c3f;Sampled=1',
      POWERTOOLS_SERVICE_NAME: 'notifier',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    };
    const settings = loggerEnv(env);

    expect(settings.traceId()).toBe('1-abc-def');
    env._X_AMZN_TRACE_ID = 'Root=1-next';
    expect(settings.traceId()).toBe('1-next');
    env._X_AMZN_TRACE_ID = undefined;
    expect(settings.traceId()).toBeUndefined();
    expect(settings.serviceName).toBe('notifier');
    expect(settings.initializationType).toBe('on-demand');
  });
});

describe('parseRoutes', () => {
  const SLACK = 'https://hooks.slack.com/services/T0/B0/routepath';

  it('refuses anything but an array, saying what is expected', () => {
    expect(configError(() => parseRoutes('{}', 'ROUTES')).message).toBe(
      'ROUTES must be a JSON array of rules ({ "match", "slack", … })',
    );
  });

  it('reads a rule with its defaults: match everything, do not continue, no mention', () => {
    const [rule] = parseRoutes(JSON.stringify([{ slack: SLACK }]), 'ROUTES');

    expect(rule).toEqual({
      label: 'route 1',
      match: { appliance: undefined, policy: undefined, outcomes: undefined },
      slack: { kind: 'value', value: SLACK },
      teams: undefined,
      pagerduty: undefined,
      generic: undefined,
      notifyOn: undefined,
      slackMention: undefined,
      teamsMention: undefined,
      continue: false,
    });
    expect(Object.isFrozen(rule)).toBe(true);
  });

  it('labels a named rule by position and name, and keeps its other fields', () => {
    const rules = [
      { slack: SLACK },
      {
        name: 'team sql',
        match: { appliance: 'azure-*', policy: 'SQL-*', outcome: 'failed' },
        pagerduty: 'R0123456789ABCDEF0123',
        generic: 'https://hooks.example.com/x',
        notifyOn: 'problems',
        continue: true,
      },
    ];

    const [, rule] = parseRoutes(JSON.stringify(rules), 'ROUTES');

    expect(rule).toMatchObject({
      label: 'route 2 (team sql)',
      match: { appliance: 'azure-*', policy: 'SQL-*', outcomes: ['failed'] },
      pagerduty: { kind: 'value', value: 'R0123456789ABCDEF0123' },
      generic: { kind: 'value', value: 'https://hooks.example.com/x' },
      notifyOn: 'problems',
      continue: true,
    });
  });

  it('reads a Slack mention as Slack and a Teams mention as Teams, trimming the display name', () => {
    const rules = [
      { slack: SLACK, mention: '<!subteam^S0123ABC> <@U0123ABC>' },
      { slack: SLACK, mention: 'alice@contoso.com|Alice Smith ' },
    ];

    const [slack, teams] = parseRoutes(JSON.stringify(rules), 'ROUTES');

    expect(slack?.slackMention).toBe('<!subteam^S0123ABC> <@U0123ABC>');
    expect(slack?.teamsMention).toBeUndefined();
    expect(teams?.slackMention).toBeUndefined();
    expect(teams?.teamsMention).toEqual({ id: 'alice@contoso.com', name: 'Alice Smith' });
  });

  it('refuses a mention that is neither, naming both forms', () => {
    const error = configError(() => parseRoutes(JSON.stringify([{ slack: SLACK, mention: '@oncall' }]), 'ROUTES'));

    expect(error.message).toBe(
      'invalid ROUTES: ROUTES[0]: mention must be Slack mentions (<!subteam^S0123ABC>, <@U0123ABC>) or a Teams "UPN|Display Name"',
    );
  });

  it.each([
    [{ teams: 'https://x.webhook.office.com/y' }],
    [{ pagerduty: 'R0123456789ABCDEF0123' }],
    [{ generic: 'https://hooks.example.com/x' }],
  ])('accepts a rule whose only destination is %o', (destination) => {
    expect(parseRoutes(JSON.stringify([destination]), 'ROUTES')).toHaveLength(1);
  });

  it('names a rule that is not an object "rule", and an unknown field by name', () => {
    const error = configError(() => parseRoutes(JSON.stringify([5, { slack: SLACK, colour: 'red' }]), 'ROUTES'));

    expect(error.message).toBe('invalid ROUTES: ROUTES[0]: rule must be an object; ROUTES[1]: unknown field colour');
  });

  it('lists at most ten problems', () => {
    const message = configError(() =>
      parseRoutes(JSON.stringify(Array.from({ length: 11 }, () => ({}))), 'ROUTES'),
    ).message;

    expect(message.split('; ')).toHaveLength(10);
    expect(message).not.toContain('ROUTES[10]');
  });
});

describe('routesRef', () => {
  const routes = JSON.stringify([{ slack: 'https://hooks.slack.com/services/T0/B0/x' }]);

  it('refuses ROUTES together with ROUTES_SECRET_ARN', () => {
    expect(configError(() => routesRef({ ROUTES: routes, ROUTES_SECRET_ARN: SECRET_ARN })).message).toBe(
      'contradictory configuration: set only one of ROUTES, ROUTES_SECRET_ARN',
    );
  });

  it('reads the secret, the list, or nothing', () => {
    expect(routesRef({ ROUTES_SECRET_ARN: SECRET_ARN })).toEqual({ kind: 'secret', arn: SECRET_ARN });
    expect(routesRef({ ROUTES: routes })).toMatchObject({ kind: 'list', rules: [{ label: 'route 1' }] });
    expect(routesRef({})).toBeUndefined();
    expect(routesRef({ ROUTES: '', ROUTES_SECRET_ARN: '' })).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it('names BACKUP_API_URL, and the fleet alternative, when no appliance is configured', () => {
    const error = configError(() =>
      loadConfig({ BACKUP_API_TOKEN: 'tok-1', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x' }),
    );

    expect(error.message).toBe(
      'invalid configuration: BACKUP_API_URL is missing (or list several appliances in APPLIANCES / APPLIANCES_SECRET_ARN)',
    );
  });
});

describe('notifierEnv', () => {
  it('keeps only the notifier variables that are set and not empty', () => {
    expect(notifierEnv({ BACKUP_API_URL: 'https://a', BACKUP_API_TOKEN: '', PATH: '/bin', ROUTES: '[]' })).toEqual({
      BACKUP_API_URL: 'https://a',
      ROUTES: '[]',
    });
  });
});

describe('defaultSessionTypes', () => {
  it('lists the backup session types each product serves, every type for Google Cloud', () => {
    expect(defaultSessionTypes('azure')).toEqual(['PolicyBackup', 'PolicySnapshot', 'PolicyArchive']);
    expect(defaultSessionTypes('vbr')).toEqual(['BackupJob']);
    expect(defaultSessionTypes('aws')).toEqual(['Policy']);
    expect(defaultSessionTypes('gcp')).toEqual([]);
  });

  it("falls back to Azure's types for a product it does not know", () => {
    expect(defaultSessionTypes('tape')).toEqual(['PolicyBackup', 'PolicySnapshot', 'PolicyArchive']);
  });
});

describe('loadWatcherConfig', () => {
  it('fills in the defaults a reader does not see elsewhere: no queue, 16 appliances at once, a 24 h longest run, no link', () => {
    const watch = loadWatcherConfig({});

    expect(watch).toMatchObject({
      queueUrl: undefined,
      fleetConcurrency: 16,
      longestRunMs: 24 * 3_600_000,
      sessionUrl: '',
    });
    expect(Object.isFrozen(watch)).toBe(true);
    expect(Object.isFrozen(watch.sessionTypes)).toBe(true);
  });

  it('reads every duration unit', () => {
    const watch = loadWatcherConfig({
      WATCH_BACKFILL: '90s',
      WATCH_OVERLAP: '15m',
      WATCH_LONGEST_RUN: '2d',
      MISSED_RUN_AFTER: '3h',
      MISSED_RUN_LOOKBACK: '4h',
    });

    expect(watch).toMatchObject({
      backfillMs: 90_000,
      overlapMs: 900_000,
      longestRunMs: 2 * 86_400_000,
      missedRunAfterMs: 3 * 3_600_000,
      missedRunLookbackMs: 4 * 3_600_000,
    });
  });

  it('reads the queue and the number of appliances watched at once', () => {
    const queue = 'https://sqs.eu-west-1.amazonaws.com/123456789012/watch';

    const watch = loadWatcherConfig({ WATCH_QUEUE_URL: queue, WATCH_FLEET_CONCURRENCY: '64' });

    expect(watch.queueUrl).toBe(queue);
    expect(watch.fleetConcurrency).toBe(64);
  });

  it('takes a padded "*" as every session type', () => {
    expect(loadWatcherConfig({ WATCH_SESSION_TYPES: ' * ' }).sessionTypes).toEqual([]);
  });
});

describe('appliance URLs', () => {
  it('drops trailing slashes and one trailing /api, in any case', () => {
    expect(applianceBaseUrl('https://a.example.com///')).toBe('https://a.example.com');
    expect(applianceBaseUrl('https://a.example.com/API/')).toBe('https://a.example.com');
    expect(applianceBaseUrl('https://a.example.com/apis')).toBe('https://a.example.com/apis');
    expect(applianceBaseUrl('https://a.example.com/api/api')).toBe('https://a.example.com/api');
  });

  it('accepts https, an allowed http, and http to this machine; refuses other http naming the fix', () => {
    expect(applianceUrlProblem('https://a.example.com', false)).toBeUndefined();
    expect(applianceUrlProblem('http://a.example.com', true)).toBeUndefined();
    expect(applianceUrlProblem('http://localhost:8080', false)).toBeUndefined();
    expect(applianceUrlProblem('http://a.example.com', false)).toBe(
      'BACKUP_API_URL uses http://: the password grant and the bearer token would cross the network in clear; use https:// (BACKUP_API_CA_CERT trusts a self-signed appliance), or set BACKUP_API_ALLOW_HTTP=true to accept the risk',
    );
  });

  it('calls only http to another machine clear text', () => {
    expect(isClearTextAppliance('http://a.example.com')).toBe(true);
    expect(isClearTextAppliance('http://127.0.0.1:8080')).toBe(false);
    expect(isClearTextAppliance('https://a.example.com')).toBe(false);
  });
});
