import { describe, expect, it } from 'vitest';
import { type Credentials, createAuthorizer } from '../../../src/appliance/auth.ts';
import { createTransport } from '../../../src/appliance/transport.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import type { ApplianceEmulatorOptions, Fault } from '../../../src/dev/appliance-emulator.ts';
import { SourceApiError } from '../../../src/errors.ts';
import { redact } from '../../../src/redact.ts';
import { applianceServers } from '../../support/appliance-servers.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';

const USERNAME = 'notifier';
const PASSWORD = 's3cret-Passw0rd!';
const ACCOUNT: Credentials = { kind: 'password', username: USERNAME, password: PASSWORD };

const servers = applianceServers();

/** A token answer the emulator sends in place of its own. */
function tokenAnswer(body: Record<string, unknown>): Fault {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

async function setup(
  emulatorOptions: ApplianceEmulatorOptions = {},
  extra: {
    credentials?: () => Promise<Credentials>;
    grants?: { password: string; refresh: string };
    headers?: Record<string, string>;
  } = {},
) {
  const emulator = await servers.emulator(emulatorOptions);
  const agents = servers.agents();
  const clock = { now: 1_000_000 };
  const { messages, lines, log } = recordingLog();
  const transport = createTransport({
    origin: emulator.url,
    agents,
    perAttemptTimeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
  });
  const authorized = createAuthorizer({
    transport,
    tokenPath: '/api/oauth2/token',
    credentials: extra.credentials ?? (async () => ACCOUNT),
    now: () => clock.now,
    logger: log,
    ...(extra.grants ? { grants: extra.grants } : {}),
    ...(extra.headers ? { headers: extra.headers } : {}),
  });
  /** The access token the next call is given. */
  const token = (): Promise<string> => authorized(deadlineIn(5_000), async (accessToken) => accessToken);
  const grants = (): (string | null)[] =>
    emulator.requestsTo('token').map((r) => new URLSearchParams(r.body).get('grant_type'));
  return { emulator, authorized, token, grants, clock, warnings: messages, lines };
}

describe('createAuthorizer', () => {
  describe('token renewal', () => {
    it.each([
      ['a one-hour token until a minute before it expires', 3600, 3_540_000],
      ['a one-minute token until halfway through its life', 60, 30_000],
    ])('keeps %s, then renews it with the refresh grant', async (_name, lifetimeSeconds, renewAfterMs) => {
      const { token, grants, clock } = await setup({ tokenLifetimeSeconds: lifetimeSeconds });
      const first = await token();

      clock.now += renewAfterMs - 1;
      const stillFirst = await token();
      clock.now += 1;
      const renewed = await token();
      const again = await token();

      expect(stillFirst).toBe(first);
      expect(renewed).not.toBe(first);
      expect(again).toBe(renewed);
      expect(grants()).toEqual(['Password', 'Refresh_token']);
    });

    it.each([
      ['without expires_in', {}],
      ['with expires_in 0', { expires_in: 0 }],
      ['with a negative expires_in', { expires_in: -5 }],
    ])('assumes the shortest documented life of 15 minutes for a token %s', async (_name, expiry) => {
      const { emulator, token, grants, clock } = await setup();
      emulator.enqueueFaults('token', [tokenAnswer({ access_token: 'at-assumed-life-1', ...expiry })]);
      const first = await token();

      clock.now += 840_000 - 1;
      const stillFirst = await token();
      clock.now += 1;
      await token();

      expect(first).toBe('at-assumed-life-1');
      expect(stillFirst).toBe(first);
      expect(grants()).toEqual(['Password', 'Password']);
    });

    it('signs in with the password when no refresh token was issued', async () => {
      const { token, grants, clock } = await setup({ issueRefreshTokens: false });
      await token();

      clock.now += 3_600_000;
      await token();

      expect(grants()).toEqual(['Password', 'Password']);
    });

    it('signs in afresh, without the old refresh token, when the account changes', async () => {
      let account: Credentials = ACCOUNT;
      const { emulator, token, grants } = await setup(
        {
          users: [
            { username: USERNAME, password: PASSWORD },
            { username: 'second', password: 'second-pw-123' },
          ],
        },
        { credentials: async () => account },
      );
      const first = await token();

      account = { kind: 'password', username: 'second', password: 'second-pw-123' };
      const second = await token();

      expect(second).not.toBe(first);
      expect(grants()).toEqual(['Password', 'Password']);
      expect(new URLSearchParams(emulator.requestsTo('token')[1]?.body).get('username')).toBe('second');
    });

    it('falls back to the password grant when the refresh answer is not a valid token, and logs why', async () => {
      const { emulator, token, grants, clock, warnings, lines } = await setup();
      await token();
      emulator.enqueueFaults('token', [{ kind: 'truncated' }]);

      clock.now += 3_600_000;
      await token();

      expect(grants()).toEqual(['Password', 'Refresh_token', 'Password']);
      expect(warnings).toEqual(['backup appliance refused the refresh token; signing in with the password']);
      expect(lines[0]).toContain(
        '"reason":"backup appliance: sign in (refresh-token grant) answered 200 without a valid JSON token"',
      );
    });

    it('gives up without the password grant when the refresh call fails for another reason', async () => {
      const { emulator, token, grants, clock } = await setup();
      await token();
      emulator.setFault('token', { status: 503 });

      clock.now += 3_600_000;
      const error = await rejection(token(), SourceApiError);

      expect(error.failure).toBe('unavailable');
      expect(error.statusCode).toBe(503);
      expect(error.message).toBe(
        'backup appliance: sign in (refresh-token grant) failed with 503: Service Unavailable — Injected 503',
      );
      expect(grants()).toEqual(['Password', 'Refresh_token', 'Refresh_token']);
    });

    it('forgets the token after a failed renewal, so the next call signs in with the password', async () => {
      const { emulator, token, grants, clock } = await setup();
      await token();
      emulator.enqueueFaults('token', [{ status: 503 }, { status: 503 }]);
      clock.now += 3_600_000;
      await rejection(token(), SourceApiError);

      const fresh = await token();

      expect(fresh).toMatch(/^at-/);
      expect(grants()).toEqual(['Password', 'Refresh_token', 'Refresh_token', 'Password']);
    });
  });

  describe('the token request', () => {
    it("sends the product's grant spelling and headers, form-encoded", async () => {
      const { emulator, token, clock } = await setup(
        {},
        { grants: { password: 'password', refresh: 'refresh_token' }, headers: { 'x-api-version': '1.2-rev1' } },
      );
      await token();
      clock.now += 3_600_000;
      await token();

      const [password, refresh] = emulator.requestsTo('token');
      expect(password?.headers).toMatchObject({
        'x-api-version': '1.2-rev1',
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      });
      expect(Object.fromEntries(new URLSearchParams(password?.body))).toEqual({
        grant_type: 'password',
        username: USERNAME,
        password: PASSWORD,
      });
      expect(new URLSearchParams(refresh?.body).get('grant_type')).toBe('refresh_token');
      expect(new URLSearchParams(refresh?.body).get('refresh_token')).toMatch(/^rt-/);
    });

    it('names the token path when sign-in answers 404, and the version variable when the answer blames it', async () => {
      const { emulator, token } = await setup();
      emulator.enqueueFaults('token', [
        { status: 404 },
        { status: 400, body: { title: 'Bad Request', detail: 'Unsupported x-api-version' } },
      ]);

      const notFound = await rejection(token(), SourceApiError);
      const badVersion = await rejection(token(), SourceApiError);

      expect(notFound.failure).toBe('auth-failed');
      expect(notFound.statusCode).toBe(404);
      expect(notFound.message).toBe(
        'backup appliance: sign in (password grant) was refused (404): Not Found — Injected 404; requested POST /api/oauth2/token',
      );
      expect(badVersion.message).toBe(
        'backup appliance: sign in (password grant) was refused (400): Bad Request — Unsupported x-api-version; set BACKUP_API_VERSION to a revision this appliance supports',
      );
    });

    it.each([
      [
        'an empty access_token',
        { access_token: '', expires_in: 3600 },
        'backup appliance: the token response carried no access_token',
      ],
      [
        'expires_in 0 and no access_token (an MFA challenge)',
        { access_token: null, expires_in: 0, mfa_enabled: false },
        'backup appliance: sign-in needs a second factor: an MFA-enabled account is not supported; use a local account without MFA (the Read-Only User role is enough)',
      ],
      [
        'an account that reports MFA, whatever its expires_in',
        { access_token: null, expires_in: 3600, mfa_enabled: true },
        'backup appliance: sign-in needs a second factor: an MFA-enabled account is not supported; use a local account without MFA (the Read-Only User role is enough)',
      ],
      [
        'no access_token for a local user',
        { access_token: null, expires_in: 3600, userType: 'Internal' },
        'backup appliance: the token response carried no access_token',
      ],
    ])('explains %s as auth-failed', async (_name, body, message) => {
      const { emulator, token } = await setup();
      emulator.enqueueFaults('token', [tokenAnswer(body)]);

      const error = await rejection(token(), SourceApiError);

      expect(error.failure).toBe('auth-failed');
      expect(error.statusCode).toBe(200);
      expect(error.message).toBe(message);
    });

    it('reports a token answer of the wrong shape without quoting it', async () => {
      const { emulator, token } = await setup();
      emulator.enqueueFaults('token', [tokenAnswer({ access_token: 42, refresh_token: 'rt-leak-me-please' })]);

      const error = await rejection(token(), SourceApiError);

      expect(error.failure).toBe('invalid-response');
      expect(error.statusCode).toBe(200);
      expect(error.message).toBe('backup appliance: sign in (password grant) answered 200 without a valid JSON token');
      expect(error.cause).toBeUndefined();
    });

    it('registers the password and both issued tokens for redaction', async () => {
      const password = 'auth-redact-pw-5521';
      const { emulator, token } = await setup(
        { users: [{ username: USERNAME, password }] },
        { credentials: async () => ({ kind: 'password', username: USERNAME, password }) },
      );
      emulator.enqueueFaults('token', [
        tokenAnswer({ access_token: 'at-redact-me-4711', refresh_token: 'rt-redact-me-4712', expires_in: 3600 }),
      ]);

      await token();

      expect(redact(`${password} at-redact-me-4711 rt-redact-me-4712`)).toBe('[redacted] [redacted] [redacted]');
    });
  });

  describe('a 401 from the call', () => {
    const unauthorized = () => new SourceApiError('unauthorized', '401', { statusCode: 401, problem: ': Expired' });

    it('signs in again once, logging it, and repeats the call with the new token', async () => {
      const { authorized, grants, warnings } = await setup();
      const seen: string[] = [];

      const result = await authorized(deadlineIn(5_000), async (accessToken) => {
        seen.push(accessToken);
        if (seen.length === 1) throw unauthorized();
        return 'read';
      });

      expect(result).toBe('read');
      expect(seen).toHaveLength(2);
      expect(seen[1]).not.toBe(seen[0]);
      expect(grants()).toEqual(['Password', 'Refresh_token']);
      expect(warnings).toEqual(['backup appliance rejected the access token (401); signing in again once']);
    });

    it('fails as unauthorized, quoting the problem, when the new token is refused too', async () => {
      const { authorized } = await setup();

      const error = await rejection(
        authorized(deadlineIn(5_000), async () => {
          throw unauthorized();
        }),
        SourceApiError,
      );

      expect(error.failure).toBe('unauthorized');
      expect(error.statusCode).toBe(401);
      expect(error.cause).toBeInstanceOf(SourceApiError);
      expect(error.message).toBe(
        'backup appliance rejected the access token (401) even right after signing in again: Expired; check that the account is a local account whose role may read session logs',
      );
    });

    it('passes any other failure of the first or the repeated call through unchanged', async () => {
      const { authorized } = await setup();
      const notFound = new SourceApiError('not-found', 'gone', { statusCode: 404 });
      let calls = 0;

      const first = await rejection(
        authorized(deadlineIn(5_000), async () => {
          throw notFound;
        }),
      );
      const second = await rejection(
        authorized(deadlineIn(5_000), async () => {
          calls++;
          throw calls === 1 ? unauthorized() : notFound;
        }),
      );

      expect(first).toBe(notFound);
      expect(second).toBe(notFound);
    });
  });

  describe('with a static token', () => {
    const staticToken: Credentials = { kind: 'token', token: 'static-token-auth-9911' };

    it('hands the token to the call without signing in, and registers it for redaction', async () => {
      const { authorized, emulator } = await setup({}, { credentials: async () => staticToken });

      const seen = await authorized(deadlineIn(5_000), async (accessToken) => accessToken);

      expect(seen).toBe('static-token-auth-9911');
      expect(emulator.requests).toHaveLength(0);
      expect(redact('x static-token-auth-9911 y')).toBe('x [redacted] y');
    });

    it('says a refused static token must be replaced, and passes other failures through', async () => {
      const { authorized } = await setup({}, { credentials: async () => staticToken });
      const other = new SourceApiError('forbidden', '403');

      const refused = await rejection(
        authorized(deadlineIn(5_000), async () => {
          throw new SourceApiError('unauthorized', '401', { statusCode: 401, problem: ': Unauthorized' });
        }),
        SourceApiError,
      );
      const passed = await rejection(
        authorized(deadlineIn(5_000), async () => {
          throw other;
        }),
      );

      expect(refused.failure).toBe('unauthorized');
      expect(refused.statusCode).toBe(401);
      expect(refused.message).toBe(
        'backup appliance rejected the configured bearer token (401): Unauthorized; a static token cannot be renewed: replace it, or configure a username and password',
      );
      expect(passed).toBe(other);
    });
  });
});
