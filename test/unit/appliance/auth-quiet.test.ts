import { describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../../src/appliance/auth.ts';
import { createTransport } from '../../../src/appliance/transport.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { SourceApiError } from '../../../src/errors.ts';
import { applianceServers } from '../../support/appliance-servers.ts';

const servers = applianceServers();

/** An authorizer for the emulator's default account, built without a logger, and the grants it sent. */
async function quietAuthorizer() {
  const emulator = await servers.emulator();
  const clock = { now: 1_000_000 };
  const authorized = createAuthorizer({
    transport: createTransport({ origin: emulator.url, agents: servers.agents(), retry: { maxAttempts: 1 } }),
    tokenPath: '/api/oauth2/token',
    credentials: async () => ({ kind: 'password', username: 'notifier', password: 's3cret-Passw0rd!' }),
    now: () => clock.now,
  });
  const grants = (): (string | null)[] =>
    emulator.requestsTo('token').map((r) => new URLSearchParams(r.body).get('grant_type'));
  return { emulator, authorized, clock, grants };
}

describe('an authorizer without a logger', () => {
  it('signs in again after a 401 and repeats the call', async () => {
    const { authorized, grants } = await quietAuthorizer();
    const seen: string[] = [];

    const result = await authorized(deadlineIn(5_000), async (accessToken) => {
      seen.push(accessToken);
      if (seen.length === 1) throw new SourceApiError('unauthorized', '401', { statusCode: 401 });
      return 'read';
    });

    expect(result).toBe('read');
    expect(seen[1]).not.toBe(seen[0]);
    expect(grants()).toEqual(['Password', 'Refresh_token']);
  });

  it('signs in with the password when the appliance refuses the refresh token', async () => {
    const { emulator, authorized, clock, grants } = await quietAuthorizer();
    const token = () => authorized(deadlineIn(5_000), async (accessToken) => accessToken);
    const first = await token();
    emulator.enqueueFaults('token', [{ status: 400 }]);

    clock.now += 3_600_000;
    const renewed = await token();

    expect(renewed).toMatch(/^at-/);
    expect(renewed).not.toBe(first);
    expect(grants()).toEqual(['Password', 'Refresh_token', 'Password']);
  });
});
