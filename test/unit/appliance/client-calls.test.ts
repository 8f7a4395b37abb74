import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { type ApplianceClientOptions, createApplianceClient } from '../../../src/appliance/client.ts';
import type { LogItem } from '../../../src/core/session-log.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { listenOnLoopback } from '../../../src/dev/listen.ts';
import { SourceApiError } from '../../../src/errors.ts';
import type { LogSink } from '../../../src/ports.ts';
import { applianceServers, loopbackServers } from '../../support/appliance-servers.ts';
import { rejection } from '../../support/rejection.ts';

const TOKEN = 'client-calls-token-8d21';
const ONE_ATTEMPT = { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 };

const servers = applianceServers();
const loopback = loopbackServers();

function clientOf(baseUrl: string, extra: Partial<ApplianceClientOptions> = {}) {
  return createApplianceClient({
    baseUrl,
    credentials: async () => ({ kind: 'token', token: TOKEN }),
    agents: servers.agents(),
    perAttemptTimeoutMs: 2_000,
    retry: ONE_ATTEMPT,
    ...extra,
  });
}

async function emulatorClient() {
  const emulator = await servers.emulator({ staticTokens: [TOKEN] });
  return { emulator, client: clientOf(emulator.url) };
}

function collect(): LogSink<LogItem[]> {
  const items: LogItem[] = [];
  return { add: (item) => void items.push(item), finish: () => items };
}

describe('the appliance client names each call in its failures', () => {
  it('says the session list was not found, and where it was asked for, when the list path answers 404', async () => {
    const { emulator, client } = await emulatorClient();
    emulator.enqueueFaults('sessions', [{ status: 404 }]);

    const error = await rejection(client.listSessions({ Offset: 0, Limit: 10 }, deadlineIn(5_000)), SourceApiError);

    expect(error.failure).toBe('not-found');
    expect(error.message).toBe(
      'backup appliance: the session list was not found (404): Not Found — Injected 404; requested GET /api/v1/jobSessions',
    );
  });

  it('says there was no time left to read the log of the session when the deadline is already spent', async () => {
    const { emulator, client } = await emulatorClient();

    const error = await rejection(client.readLog('38', deadlineIn(50), collect), SourceApiError);

    expect(error.failure).toBe('budget-exhausted');
    expect(error.message).toBe('backup appliance: no time left to read the log of session 38');
    expect(emulator.requests).toHaveLength(0);
  });

  it('says the per-object results of the session were rejected when that call answers 400', async () => {
    const { emulator, client } = await emulatorClient();
    emulator.enqueueFaults('objects', [{ status: 400 }]);

    const error = await rejection(
      client.getObjectResults?.('77', deadlineIn(5_000)) ?? Promise.resolve(),
      SourceApiError,
    );

    expect(error.failure).toBe('bad-request');
    expect(error.message).toBe(
      'backup appliance: read the per-object results of session 77 was rejected (400): Bad Request — Injected 400',
    );
  });

  it('names the session read and the origin when nothing listens there', async () => {
    const closed = http.createServer();
    const origin = `http://127.0.0.1:${await listenOnLoopback(closed)}`;
    await new Promise((resolve) => closed.close(resolve));
    const client = clientOf(origin);

    const error = await rejection(client.getSession('38', deadlineIn(5_000)), SourceApiError);

    expect(error.failure).toBe('unavailable');
    expect(error.message).toBe(`backup appliance: read session 38: ${origin} could not be reached (ECONNREFUSED)`);
  });
});

describe('the per-object results', () => {
  it('count the total the appliance reports, beyond the items of the page it sent', async () => {
    const { emulator, client } = await emulatorClient();
    const item = (name: string, status: string) => ({
      resource: { displayName: name },
      runs: [{ jobSessionId: '77', status }],
    });
    emulator.enqueueFaults('objects', [
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { totalCount: 1200, results: [item('vm-a', 'Failed'), item('vm-b', 'Success')] },
      },
    ]);

    const results = await client.getObjectResults?.('77', deadlineIn(5_000));

    expect(results).toMatchObject({ noun: 'resources', total: 1200, failedCount: 1, failed: ['vm-a'] });
  });
});

describe('a product without a log endpoint (Google Cloud)', () => {
  it("makes the session its log's one step, saying how it ended when the session carries no message", async () => {
    const origin = await loopback.serve((req, res) => {
      res.writeHead(req.url === '/api/v1/sessions/38' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: '38',
          name: 'VM policy',
          result: 'Failed',
          creationTimeUtc: '2026-11-25T02:00:00Z',
          endTimeUtc: '2026-11-25T02:10:00Z',
        }),
      );
    });
    const client = clientOf(origin, { product: 'gcp' });

    const items = await client.readLog('38', deadlineIn(5_000), collect);

    expect(items).toEqual([
      {
        status: 'Failed',
        message: 'Session ended with status Failed',
        executionStartTime: '2026-11-25T02:00:00Z',
        logTime: '2026-11-25T02:10:00Z',
        executionDuration: null,
      },
    ]);
  });
});
