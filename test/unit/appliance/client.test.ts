import { describe, expect, it } from 'vitest';
import { type ApplianceClientOptions, createApplianceClient } from '../../../src/appliance/client.ts';
import type { LogItem } from '../../../src/core/session-log.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import type { ApplianceEmulatorOptions } from '../../../src/dev/appliance-emulator.ts';
import { ConfigError, SourceApiError } from '../../../src/errors.ts';
import type { LogSink } from '../../../src/ports.ts';
import { applianceServers } from '../../support/appliance-servers.ts';
import { rejection } from '../../support/rejection.ts';
import { thrown } from '../../support/thrown.ts';

const TOKEN = 'client-static-token-5a7c';
const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

const servers = applianceServers();

async function setup(
  emulatorOptions: ApplianceEmulatorOptions = {},
  clientOptions: Partial<ApplianceClientOptions> = {},
) {
  const emulator = await servers.emulator({ staticTokens: [TOKEN], ...emulatorOptions });
  const agents = servers.agents();
  const client = createApplianceClient({
    baseUrl: emulator.url,
    credentials: async () => ({ kind: 'token', token: TOKEN }),
    agents,
    perAttemptTimeoutMs: 2_000,
    retry: FAST_RETRY,
    ...clientOptions,
  });
  return { emulator, client };
}

function collect(): LogSink<LogItem[]> {
  const items: LogItem[] = [];
  return { add: (item) => void items.push(item), finish: () => items };
}

describe('createApplianceClient', () => {
  describe('base URL', () => {
    it('refuses text that is not a URL, keeping the parser error as the cause', () => {
      const error = thrown(
        () =>
          createApplianceClient({
            baseUrl: 'backup.example.com',
            credentials: async () => ({ kind: 'token', token: 't' }),
          }),
        ConfigError,
      );

      expect(error.message).toBe('the backup appliance base URL is not a valid URL');
      expect(error.cause).toBeInstanceOf(TypeError);
    });

    it('refuses a scheme other than https or http', () => {
      const error = thrown(
        () =>
          createApplianceClient({
            baseUrl: 'ftp://backup.example.com',
            credentials: async () => ({ kind: 'token', token: 't' }),
          }),
        ConfigError,
      );

      expect(error.message).toBe('the backup appliance base URL must start with https://');
    });

    it('keeps a path prefix without its trailing slashes in front of every path', async () => {
      const { emulator } = await setup();
      const client = createApplianceClient({
        baseUrl: `${emulator.url}/veeam//`,
        credentials: async () => ({ kind: 'token', token: TOKEN }),
        agents: servers.agents(),
        retry: { ...FAST_RETRY, maxAttempts: 1 },
      });

      await rejection(client.getSession('77', deadlineIn(5_000)), SourceApiError);

      expect(emulator.requests.map((r) => r.path)).toEqual(['/veeam/api/v1/jobSessions/77']);
    });
  });

  it('speaks Azure at path version v1 when neither product nor version is given', async () => {
    const { emulator, client } = await setup();

    const session = await client.getSession('77', deadlineIn(5_000));

    expect(client.product).toBe('azure');
    expect(client.filtersOnEndTime).toBe(false);
    expect(session.id).toBe('77');
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/jobSessions/77']);
    expect(emulator.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/json',
    });
  });

  describe('session IDs', () => {
    it.each([
      ['', 'backup appliance: "" is not a session ID'],
      ['.', 'backup appliance: "." is not a session ID'],
      ['..', 'backup appliance: ".." is not a session ID'],
    ])('refuses %j, which URL normalisation would resolve away, without a request', async (id, message) => {
      const { emulator, client } = await setup();

      const fromSession = await rejection(client.getSession(id, deadlineIn(5_000)), SourceApiError);
      const fromLog = await rejection(client.readLog(id, deadlineIn(5_000), collect), SourceApiError);

      expect(fromSession.failure).toBe('bad-request');
      expect(fromSession.message).toBe(message);
      expect(fromLog.message).toBe(message);
      expect(emulator.requests).toHaveLength(0);
    });

    it('accepts IDs that merely contain dots', async () => {
      const { emulator, client } = await setup();

      await rejection(client.getSession('.38', deadlineIn(5_000)), SourceApiError);

      expect(emulator.requests.map((r) => r.path)).toEqual(['/api/v1/jobSessions/.38']);
    });
  });

  describe('getSession', () => {
    it('shares one GET between concurrent reads of a session, and asks again once it is answered', async () => {
      const { emulator, client } = await setup();

      const [first, second] = await Promise.all([
        client.getSession('77', deadlineIn(5_000)),
        client.getSession('77', deadlineIn(5_000)),
      ]);
      const other = await client.getSession('38', deadlineIn(5_000));
      const later = await client.getSession('77', deadlineIn(5_000));

      expect(second).toBe(first);
      expect(other.id).toBe('38');
      expect(later).toEqual(first);
      expect(emulator.requestsTo('session').map((r) => r.path)).toEqual([
        '/api/v1/jobSessions/77',
        '/api/v1/jobSessions/38',
        '/api/v1/jobSessions/77',
      ]);
    });

    it('asks again after a failed read instead of repeating its failure', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('session', [{ status: 404 }]);

      await rejection(client.getSession('77', deadlineIn(5_000)), SourceApiError);
      const session = await client.getSession('77', deadlineIn(5_000));

      expect(session.id).toBe('77');
      expect(emulator.requestsTo('session')).toHaveLength(2);
    });

    it('names the requested path when the session is not found', async () => {
      const { client } = await setup();

      const error = await rejection(client.getSession('999', deadlineIn(5_000)), SourceApiError);

      expect(error.failure).toBe('not-found');
      expect(error.message).toBe(
        "backup appliance: session 999 was not found (404): Not Found — Job session with ID '999' was not found; requested GET /api/v1/jobSessions/999",
      );
    });

    it.each([
      ['malformed JSON', 'not json', 'malformed or truncated JSON'],
      ['JSON of another shape', { id: 77 }, 'unexpected shape'],
    ])('reports %s as invalid-response, without retrying', async (_name, body, reason) => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('session', [{ status: 200, body, headers: { 'content-type': 'application/json' } }]);

      const error = await rejection(client.getSession('77', deadlineIn(5_000)), SourceApiError);

      expect(error.failure).toBe('invalid-response');
      expect(error.statusCode).toBe(200);
      expect(error.message).toBe(`backup appliance: read session 77: the body is not valid (${reason})`);
      expect(emulator.requestsTo('session')).toHaveLength(1);
    });

    it('retries a 503 and then reads the session', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('session', [{ status: 503 }]);

      const session = await client.getSession('77', deadlineIn(5_000));

      expect(session.id).toBe('77');
      expect(emulator.requestsTo('session')).toHaveLength(2);
    });
  });

  describe('getObjectResults', () => {
    it('counts the failed resources of a session from its protected items', async () => {
      const { emulator, client } = await setup();

      const results = await client.getObjectResults?.('77', deadlineIn(5_000));

      expect(results).toEqual({
        noun: 'resources',
        total: 3,
        failedCount: 2,
        warningCount: 0,
        failed: ['app-02', 'db-01'],
        warnings: [],
      });
      expect(emulator.requestsTo('objects').map((r) => r.path)).toEqual([
        '/api/v1/jobSessions/77/protectedItems?Offset=0&Limit=1000',
      ]);
    });

    it('refuses an unusable session ID before asking', async () => {
      const { emulator, client } = await setup();

      const error = await rejection(
        client.getObjectResults?.('..', deadlineIn(5_000)) ?? Promise.resolve(),
        SourceApiError,
      );

      expect(error.failure).toBe('bad-request');
      expect(emulator.requests).toHaveLength(0);
    });
  });

  describe('listSessions', () => {
    it('reports an invalid page as invalid-response, naming the call', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('sessions', [{ status: 200, body: '{"results": [', headers: {} }]);

      const error = await rejection(client.listSessions({ Offset: 0, Limit: 10 }, deadlineIn(5_000)), SourceApiError);

      expect(error.message).toBe(
        'backup appliance: list sessions: the body is not valid (malformed or truncated JSON)',
      );
    });

    it('reports a 400 as a rejected list call', async () => {
      const { emulator, client } = await setup();
      emulator.enqueueFaults('sessions', [{ status: 400 }]);

      const error = await rejection(client.listSessions({ Offset: 0, Limit: 10 }, deadlineIn(5_000)), SourceApiError);

      expect(error.failure).toBe('bad-request');
      expect(error.message).toBe('backup appliance: list sessions was rejected (400): Bad Request — Injected 400');
    });
  });
});
