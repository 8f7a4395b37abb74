import { describe, expect, it } from 'vitest';
import { deadlineIn } from '../../../src/deadline.ts';
import { createSlackWebApi, type SlackWebApiOptions } from '../../../src/destinations/slack-api.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { errorChain } from '../../../src/http/retry.ts';
import { registerSecret } from '../../../src/redact.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';
import { sinkPerTest, slackEmulatorPerTest } from './local-servers.ts';

const TOKEN = 'xoxb-unit-test-0123456789-abcdefABCDEF';

const emulated = slackEmulatorPerTest(TOKEN, ['C0OPS']);
/** A sink standing in for slack.com/api: each request to /api gets the next scripted reply. */
const scripted = sinkPerTest();

function api(apiUrl: string, extra: Partial<SlackWebApiOptions> = {}) {
  return createSlackWebApi({
    apiUrl,
    token: async () => TOKEN,
    perAttemptTimeoutMs: 2_000,
    retry: { baseDelayMs: 0, maxAttempts: 3 },
    ...extra,
  });
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('createSlackWebApi', () => {
  describe('when Slack accepts the call', () => {
    it('posts the body as JSON to <apiUrl>/<method> with the bearer token and returns Slack’s answer', async () => {
      const s = await scripted();
      s.enqueue('api', json({ ok: true, channel: 'C0OPS', ts: '1.000100' }));

      const answer = await api(`${s.url}/api`).call(
        'chat.postMessage',
        { channel: 'C0OPS', text: 'hi' },
        deadlineIn(5_000),
      );

      expect(answer).toEqual({ ok: true, channel: 'C0OPS', ts: '1.000100' });
      expect(s.posts).toHaveLength(1);
      const [post] = s.posts;
      expect(post?.path).toBe('/api/chat.postMessage');
      expect(post?.body).toBe('{"channel":"C0OPS","text":"hi"}');
      expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(post?.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it('reads a new token for every call', async () => {
      const e = await emulated();
      const tokens = ['xoxb-wrong-token-000000000', TOKEN];
      const client = api(e.url, { token: async () => tokens.shift() ?? TOKEN });

      await expect(client.call('chat.postMessage', { channel: 'C0OPS', text: 'a' }, deadlineIn(5_000))).rejects.toThrow(
        /invalid_auth/,
      );
      const answer = await client.call('chat.postMessage', { channel: 'C0OPS', text: 'b' }, deadlineIn(5_000));

      expect(answer.ok).toBe(true);
      expect(e.messages('C0OPS').map((m) => m.text)).toEqual(['b']);
    });
  });

  describe('when Slack rate-limits', () => {
    it('waits the Retry-After of an HTTP 429 and tries again', async () => {
      const e = await emulated();
      e.failNext(1, { retryAfterSeconds: 1 });
      const started = Date.now();

      const answer = await api(e.url).call('chat.postMessage', { channel: 'C0OPS', text: 'x' }, deadlineIn(8_000));

      expect(answer.ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(e.calls.map((c) => c.status)).toEqual([429, 200]);
    });

    it('retries an `ok: false, error: ratelimited` answer and honours its Retry-After', async () => {
      const s = await scripted();
      s.enqueue(
        'api',
        json({ ok: false, error: 'ratelimited' }, 200, { 'retry-after': '1' }),
        json({ ok: true, ts: '2.0' }),
      );
      const started = Date.now();

      const answer = await api(`${s.url}/api`).call('chat.update', { ts: '1.0' }, deadlineIn(8_000));

      expect(answer.ts).toBe('2.0');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(s.posts).toHaveLength(2);
    });

    it('gives up after the attempts with a retryable error naming ratelimited', async () => {
      const e = await emulated();
      e.failNext(2, { error: 'ratelimited' });

      const error = await rejection(
        api(e.url, { retry: { baseDelayMs: 0, maxAttempts: 2 } }).call(
          'chat.postMessage',
          { channel: 'C0OPS' },
          deadlineIn(5_000),
        ),
        DeliveryError,
      );

      expect(error.message).toBe(`slack (${new URL(e.url).host}) chat.postMessage answered ratelimited`);
      expect(error.retryable).toBe(true);
      expect(error.code).toBe('DELIVERY_TRANSIENT');
      expect(error.statusCode).toBe(200);
      expect(error.destination).toBe('slack');
      expect(e.calls).toHaveLength(2);
    });

    it('logs each retry with the method, attempt, delay and Slack’s reason, never the token', async () => {
      const e = await emulated();
      e.failNext(1, { error: 'ratelimited' });
      const { lines, log } = recordingLog();

      await api(e.url, { logger: log }).call('chat.postMessage', { channel: 'C0OPS', text: 'x' }, deadlineIn(5_000));

      expect(lines).toEqual([
        'slack api call failed; retrying [{"destination":"slack","method":"chat.postMessage","attempt":1,"delayMs":0,"reason":"ratelimited"}]',
      ]);
    });
  });

  describe('when Slack answers 5xx', () => {
    it('retries and succeeds on the next attempt', async () => {
      const s = await scripted();
      s.enqueue('api', { status: 503, body: 'busy' }, json({ ok: true, ts: '3.0' }));

      const answer = await api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000));

      expect(answer.ts).toBe('3.0');
      expect(s.posts).toHaveLength(2);
    });

    it('fails as retryable with the status once the attempts are used up', async () => {
      const s = await scripted();
      s.enqueue('api', { status: 500 }, { status: 502 });
      const { lines, log } = recordingLog();

      const error = await rejection(
        api(`${s.url}/api`, { retry: { baseDelayMs: 0, maxAttempts: 2 }, logger: log }).call(
          'chat.postMessage',
          {},
          deadlineIn(5_000),
        ),
        DeliveryError,
      );

      expect(error.message).toBe(`slack (${new URL(s.url).host}) chat.postMessage answered HTTP 502`);
      expect(error.retryable).toBe(true);
      expect(error.statusCode).toBe(502);
      expect(s.posts).toHaveLength(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('"reason":"HTTP 500"');
    });

    it('makes three attempts when no maxAttempts is given', async () => {
      const s = await scripted();
      s.enqueue('api', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });

      await rejection(
        api(`${s.url}/api`, { retry: { baseDelayMs: 0 } }).call('x', {}, deadlineIn(5_000)),
        DeliveryError,
      );

      expect(s.posts).toHaveLength(3);
    });
  });

  describe('when Slack refuses for good', () => {
    it.each([
      ['channel_not_found', 'SLACK_CHANNEL names no channel the app can see: use the channel ID (C…) from its details'],
      ['not_in_channel', 'the app is not in SLACK_CHANNEL: invite it (/invite @<app name>) in that channel'],
      ['invalid_auth', 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) from the app settings'],
      ['token_revoked', 'SLACK_BOT_TOKEN was revoked: reinstall the app and set the new bot token'],
      [
        'account_inactive',
        'the Slack app or its workspace user was deactivated: reinstall the app and set the new token',
      ],
      ['not_authed', 'no token was sent: set SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_SECRET_ARN'],
      ['missing_scope', 'the app lacks the chat:write scope: add it and reinstall the app'],
      ['is_archived', 'SLACK_CHANNEL is archived: unarchive it or pick another channel'],
      ['msg_too_long', 'the message was too long for Slack'],
      ['invalid_blocks', 'Slack refused the message blocks'],
    ])('%s: fails at once, not retryable, naming the fix', async (code, fix) => {
      const e = await emulated();
      e.failNext(1, { error: code });

      const error = await rejection(
        api(e.url).call('chat.postMessage', { channel: 'C0OPS' }, deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toBe(`slack (${new URL(e.url).host}) chat.postMessage answered ${code}: ${fix}`);
      expect(error.retryable).toBe(false);
      expect(error.code).toBe('DELIVERY_REJECTED');
      expect(error.statusCode).toBe(200);
      expect(e.calls).toHaveLength(1);
    });

    it('names an unknown Slack error without a fix', async () => {
      const e = await emulated();
      e.failNext(1, { error: 'thread_not_found' });

      const error = await rejection(
        api(e.url).call('chat.update', { channel: 'C0OPS' }, deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toBe(`slack (${new URL(e.url).host}) chat.update answered thread_not_found`);
      expect(error.retryable).toBe(false);
    });

    it('does not retry a 4xx answer and reports its status', async () => {
      const s = await scripted();
      s.enqueue('api', json({ ok: false, error: 'invalid_arguments' }, 400));

      const error = await rejection(api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

      expect(error.message).toBe(`slack (${new URL(s.url).host}) chat.postMessage answered invalid_arguments`);
      expect(error.statusCode).toBe(400);
      expect(error.retryable).toBe(false);
      expect(s.posts).toHaveLength(1);
    });

    it('keeps the token out of every message and cause when the token is refused', async () => {
      registerSecret(TOKEN);
      const e = await emulated();
      const client = api(e.url, { token: async () => 'xoxb-revoked-token-987654321' });

      const error = await rejection(
        client.call('chat.postMessage', { channel: 'C0OPS' }, deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toContain('answered invalid_auth: SLACK_BOT_TOKEN is not valid');
      for (const link of errorChain(error)) {
        expect(String((link as Error).message)).not.toContain('xoxb-revoked');
        expect(JSON.stringify(link)).not.toContain('xoxb-revoked');
      }
    });

    it('redacts a registered token that Slack echoes in its error code, in the message and every cause', async () => {
      registerSecret(TOKEN);
      const s = await scripted();
      s.enqueue('api', json({ ok: false, error: TOKEN }));

      const error = await rejection(api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

      expect(error.message).toBe(`slack (${new URL(s.url).host}) chat.postMessage answered [redacted]`);
      for (const link of errorChain(error)) expect(String((link as Error).message)).not.toContain(TOKEN);
    });
  });

  describe('when the answer is not a Slack answer', () => {
    it('says "(not JSON)" for a body that does not parse, without retrying', async () => {
      const s = await scripted();
      s.enqueue('api', { status: 200, body: '<html>proxy</html>' });

      const error = await rejection(api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

      expect(error.message).toBe(`slack (${new URL(s.url).host}) chat.postMessage answered HTTP 200 (not JSON)`);
      expect(error.retryable).toBe(false);
      expect(error.statusCode).toBe(200);
      expect(s.posts).toHaveLength(1);
    });

    it('still retries a 503 whose body is not JSON (the status decides first)', async () => {
      const s = await scripted();
      s.enqueue('api', { status: 503, body: '<html>busy</html>' }, json({ ok: true }));

      await expect(api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000))).resolves.toEqual({ ok: true });
    });

    it.each(['null', '42', '"ok"'])('names the status for JSON that is not an object (%s)', async (body) => {
      const s = await scripted();
      s.enqueue('api', { status: 201, body });

      const error = await rejection(api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

      expect(error.message).toBe(`slack (${new URL(s.url).host}) chat.postMessage answered HTTP 201`);
      expect(error.retryable).toBe(false);
    });

    it('names the status for an answer without ok: true and without an error code', async () => {
      const s = await scripted();
      s.enqueue('api', json({ ok: 'true', error: 17 }, 202));

      const error = await rejection(api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000)), DeliveryError);

      expect(error.message).toBe(`slack (${new URL(s.url).host}) chat.postMessage answered HTTP 202`);
    });

    it('cuts Slack’s error code to 60 characters, then keeps only letters, digits, _ . and -', async () => {
      const s = await scripted();
      const code = `${'a'.repeat(57)}<b>${'z'.repeat(10)}`;
      s.enqueue('api', json({ ok: false, error: code }), json({ ok: false, error: 'x y*z.1-2_3' }));

      const first = await rejection(api(`${s.url}/api`).call('m', {}, deadlineIn(5_000)), DeliveryError);
      const second = await rejection(api(`${s.url}/api`).call('m', {}, deadlineIn(5_000)), DeliveryError);

      expect(first.message).toBe(`slack (${new URL(s.url).host}) m answered ${'a'.repeat(57)}b`);
      expect(second.message).toBe(`slack (${new URL(s.url).host}) m answered xyz.1-2_3`);
    });
  });

  describe('the size of Slack’s answer', () => {
    it('reads an answer of exactly 256 KiB', async () => {
      const s = await scripted();
      const frame = '{"ok":true,"pad":""}';
      s.enqueue('api', { status: 200, body: `{"ok":true,"pad":"${'x'.repeat(256 * 1024 - frame.length)}"}` });

      const answer = await api(`${s.url}/api`).call('chat.postMessage', {}, deadlineIn(5_000));

      expect(answer.ok).toBe(true);
    });

    it('fails on an answer one byte over 256 KiB rather than reading part of it', async () => {
      const s = await scripted();
      const frame = '{"ok":true,"pad":""}';
      s.enqueue('api', { status: 200, body: `{"ok":true,"pad":"${'x'.repeat(256 * 1024 - frame.length + 1)}"}` });

      const error = await rejection(
        api(`${s.url}/api`, { retry: { maxAttempts: 1 } }).call('chat.postMessage', {}, deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toMatch(
        /^slack \(127\.0\.0\.1:\d+\) chat\.postMessage could not be reached \(EBODYTOOLARGE\)$/,
      );
    });
  });

  describe('when Slack cannot be reached', () => {
    it('fails as retryable naming the network code after the attempts', async () => {
      const s = await scripted();
      const url = `${s.url}/api`;
      await s.close();
      const { lines, log } = recordingLog();

      const error = await rejection(
        api(url, { retry: { baseDelayMs: 0, maxAttempts: 2 }, logger: log }).call(
          'chat.postMessage',
          {},
          deadlineIn(5_000),
        ),
        DeliveryError,
      );

      expect(error.message).toBe(`slack (${new URL(url).host}) chat.postMessage could not be reached (ECONNREFUSED)`);
      expect(error.retryable).toBe(true);
      expect(error.statusCode).toBeUndefined();
      expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('"reason":"Error"');
    });

    it('fails as retryable when Slack does not answer within the attempt timeout', async () => {
      const s = await scripted();
      s.enqueue('api', { hang: true });

      const error = await rejection(
        api(`${s.url}/api`, { perAttemptTimeoutMs: 150, retry: { baseDelayMs: 0, maxAttempts: 1 } }).call(
          'chat.postMessage',
          {},
          deadlineIn(5_000),
        ),
        DeliveryError,
      );

      expect(error.message).toMatch(
        /^slack \(127\.0\.0\.1:\d+\) chat\.postMessage could not be reached \((ABORT_ERR|ETIMEDOUT)\)$/,
      );
      expect(error.retryable).toBe(true);
    });

    it('fails as retryable without calling when no time is left', async () => {
      const e = await emulated();

      const error = await rejection(api(e.url).call('chat.postMessage', {}, { remainingMs: () => 50 }), DeliveryError);

      expect(error.message).toBe(`no time left to call chat.postMessage on slack (${new URL(e.url).host})`);
      expect(error.retryable).toBe(true);
      expect(e.calls).toHaveLength(0);
    });
  });
});
