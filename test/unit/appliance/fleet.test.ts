import { beforeAll, describe, expect, it } from 'vitest';
import { createFleet, type FleetOptions } from '../../../src/appliance/fleet.ts';
import type { ApplianceConfig } from '../../../src/config/appliances.ts';
import type { LogItem } from '../../../src/core/session-log.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { SourceApiError, TriggerError } from '../../../src/errors.ts';
import type { LogSink } from '../../../src/ports.ts';
import { redact } from '../../../src/redact.ts';
import type { SecretReader } from '../../../src/secrets.ts';
import { applianceServers } from '../../support/appliance-servers.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';
import { selfSignedCertificate } from '../../support/self-signed.ts';

const FLEET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-AbCdEf';

function appliance(name: string, fields: Partial<ApplianceConfig> = {}): ApplianceConfig {
  return {
    name,
    product: 'azure',
    baseUrl: 'https://backup.example.com',
    version: undefined,
    credentials: { kind: 'token', token: `tok-${name}-0123456789` },
    caCertPem: undefined,
    insecureTls: false,
    allowHttp: false,
    sessionUrlTemplate: undefined,
    ...fields,
  };
}

/** Secrets held in memory, counting reads: the fleet's only view of Secrets Manager is this interface. */
function memorySecrets(values: Record<string, string>): SecretReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    getSecretString: async (arn) => {
      reads.push(arn);
      const value = values[arn];
      if (value === undefined) throw new Error(`no secret ${arn}`);
      return value;
    },
  };
}

function collect(): LogSink<LogItem[]> {
  const items: LogItem[] = [];
  return { add: (item) => void items.push(item), finish: () => items };
}

const servers = applianceServers();

function options(extra: Partial<FleetOptions> = {}) {
  const { messages, log } = recordingLog();
  const agents = servers.agents();
  const fleetOptions: FleetOptions = {
    secrets: memorySecrets({}),
    perAttemptTimeoutMs: 2_000,
    logger: log,
    agents,
    ...extra,
  };
  return { options: fleetOptions, warnings: messages };
}

describe('createFleet', () => {
  describe('member', () => {
    it('returns the only appliance when the event names none', async () => {
      const fleet = createFleet({ kind: 'list', appliances: [appliance('default')] }, options().options);

      const member = await fleet.member(undefined);

      expect(member.name).toBe('default');
    });

    it('refuses an event without a name when the fleet has several appliances, saying how many', async () => {
      const fleet = createFleet(
        { kind: 'list', appliances: [appliance('azure-a'), appliance('azure-b')] },
        options().options,
      );

      const error = await rejection(fleet.member(undefined), TriggerError);

      expect(error.message).toBe(
        'the event must name its appliance ("appliance": "…"): this deployment serves 2 appliances',
      );
    });

    it('finds an appliance by its name', async () => {
      const fleet = createFleet(
        { kind: 'list', appliances: [appliance('azure-a'), appliance('azure-b')] },
        options().options,
      );

      expect((await fleet.member('azure-b')).name).toBe('azure-b');
      expect((await fleet.member('azure-a')).name).toBe('azure-a');
    });

    it('names the appliances it serves when the event names an unknown one', async () => {
      const fleet = createFleet(
        { kind: 'list', appliances: [appliance('azure-a'), appliance('azure-b')] },
        options().options,
      );

      const error = await rejection(fleet.member('azure-c'), TriggerError);

      expect(error.message).toBe('unknown appliance "azure-c": this deployment serves azure-a, azure-b');
    });

    it.each([
      [10, 'a-0, a-1, a-2, a-3, a-4, a-5, a-6, a-7, a-8, a-9'],
      [11, 'a-0, a-1, a-2, a-3, a-4, a-5, a-6, a-7, a-8, a-9, … (11 in all)'],
    ])('lists at most ten names of a fleet of %i, then the count', async (size, listed) => {
      const appliances = Array.from({ length: size }, (_, i) => appliance(`a-${i}`));
      const fleet = createFleet({ kind: 'list', appliances }, options().options);

      const error = await rejection(fleet.member('nope'), TriggerError);

      expect(error.message).toBe(`unknown appliance "nope": this deployment serves ${listed}`);
    });
  });

  describe('members', () => {
    it('describes each appliance: product, links, and the host of the default one as its source', async () => {
      const appliances = [
        appliance('default', { baseUrl: 'https://backup.example.com:4443/prefix' }),
        appliance('vbr-hq', {
          product: 'vbr',
          baseUrl: 'https://vbr.example.com:9419',
          sessionUrlTemplate: 'https://vbr.example.com/#/s/{sessionId}',
        }),
      ];
      const fleet = createFleet({ kind: 'list', appliances }, options().options);

      const [first, second] = await fleet.members();

      expect(first).toMatchObject({
        name: 'default',
        product: 'azure',
        source: 'backup.example.com:4443',
        baseUrl: 'https://backup.example.com:4443/prefix',
        sessionUrlTemplate: undefined,
      });
      expect(first?.client.product).toBe('azure');
      expect(second).toMatchObject({
        name: 'vbr-hq',
        product: 'vbr',
        source: 'vbr-hq',
        baseUrl: 'https://vbr.example.com:9419',
        sessionUrlTemplate: 'https://vbr.example.com/#/s/{sessionId}',
      });
      expect(second?.client.product).toBe('vbr');
      expect(second?.client.filtersOnEndTime).toBe(true);
    });

    it('keeps one client per appliance across calls, so its token cache lives on', async () => {
      const fleet = createFleet({ kind: 'list', appliances: [appliance('default')] }, options().options);

      const [first] = await fleet.members();
      const again = await fleet.member('default');

      expect(again).toBe(first);
    });

    it('registers every password and token for redaction as soon as the fleet is built', () => {
      const password = 'fleet-pw-Zq81-redact';
      const token = 'fleet-token-Xy92-redact';

      createFleet(
        {
          kind: 'list',
          appliances: [
            appliance('a', { credentials: { kind: 'password', username: 'n', password } }),
            appliance('b', { credentials: { kind: 'token', token } }),
          ],
        },
        options().options,
      );

      expect(redact(`echo ${password} and ${token}`)).toBe('echo [redacted] and [redacted]');
    });
  });

  describe('warnings at start', () => {
    it('warns about clear-text http and unverified TLS, naming the variables for the default appliance', () => {
      const { options: fleetOptions, warnings } = options();

      createFleet(
        {
          kind: 'list',
          appliances: [
            appliance('default', { baseUrl: 'http://backup.example.com', allowHttp: true, insecureTls: true }),
          ],
        },
        fleetOptions,
      );

      expect(warnings).toEqual([
        'BACKUP_API_ALLOW_HTTP is true: the password grant and bearer token cross the network in clear',
        'BACKUP_API_INSECURE_TLS is true: the appliance certificate is NOT verified; prefer BACKUP_API_CA_CERT',
      ]);
    });

    it('names the appliance and its fields for a listed appliance', () => {
      const { options: fleetOptions, warnings } = options();

      createFleet(
        {
          kind: 'list',
          appliances: [appliance('edge', { baseUrl: 'http://10.0.0.5', allowHttp: true, insecureTls: true })],
        },
        fleetOptions,
      );

      expect(warnings).toEqual([
        'appliance edge: allowHttp is true: its password grant and bearer token cross the network in clear',
        'appliance edge: insecureTls is true: its certificate is NOT verified; prefer caCert',
      ]);
    });

    it('says nothing for https, for a loopback emulator over http, or for http that was not allowed', () => {
      const { options: fleetOptions, warnings } = options();

      createFleet(
        {
          kind: 'list',
          appliances: [
            appliance('a'),
            appliance('b', { baseUrl: 'http://127.0.0.1:8080', allowHttp: true }),
            appliance('c', { baseUrl: 'http://127.0.0.1:8081' }),
            appliance('d', { baseUrl: 'https://backup.example.com', allowHttp: true }),
          ],
        },
        fleetOptions,
      );

      expect(warnings).toEqual([]);
    });
  });

  describe('with the fleet in a secret', () => {
    it('reads the secret on use, not at start, and names the secret when its list is invalid', async () => {
      const secrets = memorySecrets({ [FLEET_ARN]: '[]' });
      const fleet = createFleet({ kind: 'secret', arn: FLEET_ARN }, options({ secrets }).options);
      expect(secrets.reads).toEqual([]);

      const error = await rejection(fleet.members());

      expect(error.message).toBe(
        `secret ${FLEET_ARN} (APPLIANCES_SECRET_ARN) must be a non-empty JSON array of appliances ({ "name", "url", … })`,
      );
    });

    it('re-reads the secret each time and rebuilds the members only when its text changed', async () => {
      const values: Record<string, string> = {
        [FLEET_ARN]: JSON.stringify([{ name: 'azure-a', url: 'https://a.example.com', token: 'tok-a-1234' }]),
      };
      const secrets = memorySecrets(values);
      const { options: fleetOptions, warnings } = options({ secrets });
      const fleet = createFleet({ kind: 'secret', arn: FLEET_ARN }, fleetOptions);

      const first = await fleet.member(undefined);
      const same = await fleet.member('azure-a');
      values[FLEET_ARN] = JSON.stringify([
        { name: 'azure-a', url: 'https://a.example.com', token: 'tok-a-1234' },
        { name: 'edge', url: 'https://10.0.0.5', token: 'tok-e-1234', insecureTls: true },
      ]);
      const changed = await fleet.member('azure-a');
      const names = (await fleet.members()).map((m) => m.name);

      expect(secrets.reads).toEqual([FLEET_ARN, FLEET_ARN, FLEET_ARN, FLEET_ARN]);
      expect(same).toBe(first);
      expect(changed).not.toBe(first);
      expect(names).toEqual(['azure-a', 'edge']);
      expect(warnings).toEqual(['appliance edge: insecureTls is true: its certificate is NOT verified; prefer caCert']);
    });
  });

  describe('calling an appliance', () => {
    it("signs each appliance in with its own account and reads its own API version's paths", async () => {
      const server = await servers.emulator({
        users: [
          { username: 'alice', password: 'alice-pw-12345' },
          { username: 'bob', password: 'bob-pw-12345' },
        ],
      });
      const appliances = [
        appliance('azure-a', {
          baseUrl: server.url,
          credentials: { kind: 'password', username: 'alice', password: 'alice-pw-12345' },
        }),
        appliance('azure-b', {
          baseUrl: server.url,
          version: 'v8.1',
          credentials: { kind: 'password', username: 'bob', password: 'bob-pw-12345' },
        }),
      ];
      const fleet = createFleet({ kind: 'list', appliances }, options().options);

      await (await fleet.member('azure-b')).client.readLog('38', deadlineIn(5_000), collect);
      await (await fleet.member('azure-a')).client.readLog('38', deadlineIn(5_000), collect);

      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /api/oauth2/token',
        'GET /api/v8.1/jobSessions/38/log',
        'POST /api/oauth2/token',
        'GET /api/v1/jobSessions/38/log',
      ]);
      const users = server.requestsTo('token').map((r) => new URLSearchParams(r.body).get('username'));
      expect(users).toEqual(['bob', 'alice']);
    });

    it('resolves credentials held in a secret through the secret reader', async () => {
      const credentialsArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cred-AbCdEf';
      const server = await servers.emulator({ staticTokens: ['secret-held-token-123'] });
      const secrets = memorySecrets({ [credentialsArn]: JSON.stringify({ token: 'secret-held-token-123' }) });
      const fleet = createFleet(
        {
          kind: 'list',
          appliances: [
            appliance('default', { baseUrl: server.url, credentials: { kind: 'secret', arn: credentialsArn } }),
          ],
        },
        options({ secrets }).options,
      );

      const items = await (await fleet.member(undefined)).client.readLog('38', deadlineIn(5_000), collect);

      expect(items).toHaveLength(4);
      expect(secrets.reads).toEqual([credentialsArn]);
      expect(server.requestsTo('log')[0]?.headers.authorization).toBe('Bearer secret-held-token-123');
    });

    it('gives each attempt the configured timeout, so a hanging appliance is tried three times', async () => {
      const server = await servers.emulator({ staticTokens: ['tok-hang-123456'] });
      server.setFault('log', { kind: 'hang' });
      const fleet = createFleet(
        {
          kind: 'list',
          appliances: [
            appliance('default', { baseUrl: server.url, credentials: { kind: 'token', token: 'tok-hang-123456' } }),
          ],
        },
        options({ perAttemptTimeoutMs: 100 }).options,
      );

      const error = await rejection(
        (await fleet.member(undefined)).client.readLog('38', deadlineIn(6_000), collect),
        SourceApiError,
      );

      expect(error.failure).toBe('timeout');
      expect(server.requestsTo('log')).toHaveLength(3);
    });
  });

  describe('TLS trust per appliance', () => {
    let tls: { key: string; cert: string };

    beforeAll(() => {
      tls = selfSignedCertificate();
    });

    it("trusts an appliance's own CA certificate, or skips verification, only for that appliance", async () => {
      const server = await servers.emulator({ tls, staticTokens: ['tok-tls-123456'] });
      const credentials = { kind: 'token', token: 'tok-tls-123456' } as const;
      const appliances = [
        appliance('with-ca', { baseUrl: server.url, credentials, caCertPem: tls.cert }),
        appliance('unverified', { baseUrl: server.url, credentials, insecureTls: true }),
        appliance('plain', { baseUrl: server.url, credentials }),
      ];
      const { options: fleetOptions } = options({ agents: undefined });
      const fleet = createFleet({ kind: 'list', appliances }, fleetOptions);
      const read = async (name: string) => (await fleet.member(name)).client.readLog('38', deadlineIn(5_000), collect);

      expect(await read('with-ca')).toHaveLength(4);
      expect(await read('unverified')).toHaveLength(4);
      const error = await rejection(read('plain'), SourceApiError);

      expect(error.message).toMatch(/is not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    });
  });
});
