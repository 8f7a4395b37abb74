import { describe, expect, it } from 'vitest';
import { type DeliveryError, NotifierError, SourceApiError, TriggerError } from '../../src/errors.ts';
import { type Harness, harnessPerTest, PASSWORD } from '../support/harness.ts';
import { rejection } from '../support/rejection.ts';

const start = harnessPerTest();

const slackText = (h: Harness) => JSON.stringify(h.sink.postsTo('slack').map((p) => p.json));
const teamsText = (h: Harness) => JSON.stringify(h.sink.postsTo('teams').map((p) => p.json));

describe('handler', () => {
  describe('for the documented session 38', () => {
    it('posts exactly one message to Slack and one to Teams with 4 successful steps and 7m 38s', async () => {
      const h = await start();

      const result = await h.invoke({ sessionId: '38' });

      expect(result).toEqual({
        sessionId: '38',
        outcome: 'succeeded',
        delivered: ['slack', 'teams'],
        problem: undefined,
      });
      expect(h.sink.postsTo('slack')).toHaveLength(1);
      expect(h.sink.postsTo('teams')).toHaveLength(1);
      expect(slackText(h)).toContain('7m 38s');
      expect(slackText(h)).toContain('4 Success');
      expect(teamsText(h)).toContain('7m 38s');
      expect(h.sink.postsTo('teams')[0]?.json).toMatchObject({
        type: 'message',
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } },
        ],
      });
    });

    it('reads the log with one token request and one GET, and reuses the token on the next invocation', async () => {
      const h = await start();

      await h.invoke({ sessionId: 38 });
      await h.invoke({ 'detail-type': 'Backup Job Session Finished', source: 'test', detail: { sessionId: '38' } });

      expect(h.emulator.requestsTo('token')).toHaveLength(1);
      expect(h.emulator.requestsTo('log').map((r) => r.path)).toEqual([
        '/api/v1/jobSessions/38/log',
        '/api/v1/jobSessions/38/log',
      ]);
      expect(h.emulator.requestsTo('log')[0]?.headers.authorization).toMatch(/^Bearer /);
    });

    it('uses the configured API version in the path', async () => {
      const h = await start({ BACKUP_API_VERSION: 'v8.1' });

      await h.invoke({ sessionId: '38' });

      expect(h.emulator.requestsTo('log')[0]?.path).toBe('/api/v8.1/jobSessions/38/log');
    });
  });

  describe('for a failed session', () => {
    it('says it failed and lists the failed steps with their messages first', async () => {
      const h = await start();

      const result = await h.invoke({ sessionId: '77' });

      expect(result).toMatchObject({ outcome: 'failed' });
      const slack = h.sink.postsTo('slack')[0]?.json as { text: string; blocks: unknown[] };
      expect(slack.text).toMatch(/^❌ Nightly-Azure-VMs failed — session 77/);
      expect(JSON.stringify(slack.blocks)).toContain("Snapshot backup of 'db-01' has failed");
      expect(JSON.stringify(slack.blocks).indexOf('Failed steps')).toBeLessThan(
        JSON.stringify(slack.blocks).indexOf('Warnings'),
      );
    });
  });

  describe('with only Slack configured', () => {
    it('posts once to Slack and nothing to Teams', async () => {
      const h = await start({ TEAMS_WEBHOOK_URL: undefined });

      const result = await h.invoke({ sessionId: '52' });

      expect(result).toMatchObject({ outcome: 'warning', delivered: ['slack'] });
      expect(h.sink.postsTo('slack')).toHaveLength(1);
      expect(h.sink.postsTo('teams')).toHaveLength(0);
    });
  });

  describe('with an empty log', () => {
    it('reports the appliance verdict (canceled) and that no step ran', async () => {
      const h = await start();

      const result = await h.invoke({ sessionId: '60' });

      expect(result).toMatchObject({ outcome: 'canceled' });
      expect(slackText(h)).toContain('Dev-Sandbox-VMs was canceled — session 60');
      expect(slackText(h)).toContain('0 steps');
    });
  });

  describe('when the log cannot be read for a permanent reason', () => {
    it('still alerts every destination that session 999 was not found (404), without retrying', async () => {
      const h = await start();

      const result = await h.invoke({ sessionId: '999' });

      expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure: 'not-found', statusCode: 404 } });
      expect(h.emulator.requestsTo('log')).toHaveLength(1);
      expect(slackText(h)).toContain('session 999 was not found (404)');
      expect(teamsText(h)).toContain('session 999 was not found (404)');
    });

    it.each([
      ['a 403', { status: 403, body: JSON.stringify({ title: 'Forbidden', status: 403 }) }, 'forbidden'],
      ['HTML instead of JSON', { kind: 'html' as const }, 'invalid-response'],
      ['truncated JSON', { kind: 'truncated' as const }, 'invalid-response'],
      [
        'a body of the wrong shape',
        { status: 200, body: JSON.stringify({ log: [{ status: 42 }] }) },
        'invalid-response',
      ],
    ])('alerts once, naming the session and the problem, for %s', async (_name, fault, failure) => {
      const h = await start();
      h.emulator.enqueueFaults('log', [fault]);

      const result = await h.invoke({ sessionId: '38' });

      expect(result).toMatchObject({ outcome: 'unreadable', problem: { failure } });
      expect(h.emulator.requestsTo('log')).toHaveLength(1);
      expect(h.sink.postsTo('slack')).toHaveLength(1);
      expect(h.sink.postsTo('teams')).toHaveLength(1);
      expect(slackText(h)).toContain('38');
    });
  });

  describe('when the appliance fails transiently', () => {
    it('retries a 503 and then posts once', async () => {
      const h = await start();
      h.emulator.enqueueFaults('log', [{ status: 503 }]);

      await h.invoke({ sessionId: '38' });

      expect(h.emulator.requestsTo('log')).toHaveLength(2);
      expect(h.sink.postsTo('slack')).toHaveLength(1);
    });

    it('fails the invocation as retryable and posts nothing when the appliance stays unavailable', async () => {
      const h = await start();
      h.emulator.setFault('log', { status: 503 });

      const error = await rejection(h.invoke({ sessionId: '38' }, 4_000));

      expect(error).toBeInstanceOf(SourceApiError);
      expect((error as SourceApiError).retryable).toBe(true);
      expect(h.emulator.requestsTo('log').length).toBeGreaterThanOrEqual(3);
      expect(h.sink.posts).toHaveLength(0);
    });

    it('fails as retryable when nothing listens at the appliance address', async () => {
      const h = await start({
        BACKUP_API_URL: 'http://127.0.0.1:9',
        BACKUP_API_USERNAME: undefined,
        BACKUP_API_PASSWORD: undefined,
        BACKUP_API_TOKEN: 'static-token-123456',
      });

      const error = await rejection(h.invoke({ sessionId: '38' }, 3_000));

      expect(error).toBeInstanceOf(SourceApiError);
      expect((error as SourceApiError).failure).toBe('unavailable');
      expect(h.sink.posts).toHaveLength(0);
    });
  });

  describe('when an event carries no usable session ID', () => {
    it.each([
      ['no session ID', { jobName: 'x' }, /session ID is missing/],
      ['a path-changing session ID', { sessionId: '../oauth2/token' }, /session ID is invalid/],
    ])('rejects an event with %s before any network call', async (_name, event, message) => {
      const h = await start();

      const error = await rejection(h.invoke(event));

      expect(error).toBeInstanceOf(TriggerError);
      expect(error.message).toMatch(message);
      expect(h.emulator.requests).toHaveLength(0);
      expect(h.sink.posts).toHaveLength(0);
    });
  });

  describe('when a webhook refuses', () => {
    it('retries a Slack 429 after its Retry-After and delivers once', async () => {
      const h = await start();
      h.sink.enqueue('slack', { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });

      const started = Date.now();
      const result = await h.invoke({ sessionId: '38' });

      expect(result).toMatchObject({ delivered: ['slack', 'teams'] });
      expect(h.sink.postsTo('slack')).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('retries a Teams 500 and delivers once', async () => {
      const h = await start();
      h.sink.enqueue('teams', { status: 500 });

      await h.invoke({ sessionId: '38' });

      expect(h.sink.postsTo('teams')).toHaveLength(2);
    });

    it('treats a revoked Slack webhook (404 no_service) as permanent, still posts to Teams, and never names the URL', async () => {
      const h = await start();
      h.sink.enqueue('slack', { status: 404, body: 'no_service' });

      const error = await rejection(h.invoke({ sessionId: '38' }));

      expect(error).toBeInstanceOf(NotifierError);
      expect((error as NotifierError).retryable).toBe(false);
      expect(error.message).toContain('slack');
      expect(error.message).toContain('no_service');
      expect(error.message).not.toContain('SECRET');
      expect((error.cause as DeliveryError).destination).toBe('slack');
      expect(h.sink.postsTo('slack')).toHaveLength(1);
      expect(h.sink.postsTo('teams')).toHaveLength(1);
    });
  });

  describe('secrets', () => {
    it('never writes the password, tokens or webhook URLs to the logs, even on failure', async () => {
      const h = await start();

      await h.invoke({ sessionId: '77' });
      h.sink.enqueue('teams', { status: 404, body: 'gone' });
      await rejection(h.invoke({ sessionId: '38' }));

      const logs = h.output.join('');
      const token = h.emulator.requestsTo('log')[0]?.headers.authorization?.replace('Bearer ', '') ?? 'missing';
      expect(logs).toContain('notification sent');
      expect(logs).toContain('notification failed');
      for (const secret of [PASSWORD, token, h.sink.urlFor('slack'), h.sink.urlFor('teams'), 'B0SECRET']) {
        expect(logs).not.toContain(secret);
      }
    });
  });

  describe('untrusted log text', () => {
    it('is escaped so it cannot ping @channel or render a link in Slack', async () => {
      const h = await start();
      const hostile = '<!channel> please <http://evil.example|click here> @here';
      h.emulator.enqueueFaults('log', [
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jobSessionId: '38', log: [{ status: 'Error', message: hostile }] }),
        },
      ]);

      await h.invoke({ sessionId: '38' });

      const slack = slackText(h);
      expect(slack).not.toContain('<!channel>');
      expect(slack).not.toContain('<http://');
      expect(slack).toContain('&lt;!channel&gt;');
      expect(slack).toContain('please');
    });
  });
});
