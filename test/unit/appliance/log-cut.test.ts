import { describe, expect, it } from 'vitest';
import { createApplianceClient } from '../../../src/appliance/client.ts';
import type { LogItem } from '../../../src/core/session-log.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { SourceApiError } from '../../../src/errors.ts';
import type { LogSink } from '../../../src/ports.ts';
import { applianceServers } from '../../support/appliance-servers.ts';
import { rejection } from '../../support/rejection.ts';

const TOKEN = 'log-cut-token-3e90';

const servers = applianceServers();

async function clientWithAttempts(maxAttempts: number) {
  const emulator = await servers.emulator({ staticTokens: [TOKEN] });
  const client = createApplianceClient({
    baseUrl: emulator.url,
    credentials: async () => ({ kind: 'token', token: TOKEN }),
    agents: servers.agents(),
    perAttemptTimeoutMs: 2_000,
    retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 20 },
  });
  return { emulator, client };
}

function collect(): LogSink<LogItem[]> {
  const items: LogItem[] = [];
  return { add: (item) => void items.push(item), finish: () => items };
}

describe('a log whose connection closes before its announced length', () => {
  it('fails as a retryable reset of the log read, naming the appliance', async () => {
    const { emulator, client } = await clientWithAttempts(1);
    emulator.enqueueFaults('log', [{ kind: 'cut' }]);

    const error = await rejection(client.readLog('38', deadlineIn(5_000), collect), SourceApiError);

    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `backup appliance: reading the log of session 38: ${emulator.url} could not be reached (ECONNRESET)`,
    );
  });

  it('is read again, and only the whole second read reaches the sink', async () => {
    const { emulator, client } = await clientWithAttempts(2);
    const whole = await client.readLog('38', deadlineIn(5_000), collect);
    emulator.reset();
    emulator.enqueueFaults('log', [{ kind: 'cut' }]);

    const items = await client.readLog('38', deadlineIn(5_000), collect);

    expect(items).toEqual(whole);
    expect(emulator.requestsTo('log').map((r) => r.fault)).toEqual(['cut', undefined]);
  });
});
