import { describe, expect, it } from 'vitest';
import { deadlineIn } from '../../../src/deadline.ts';
import {
  bodyReason,
  chatRefusal,
  postWebhook,
  thresholdSkip,
  type WebhookPostOptions,
} from '../../../src/destinations/post-webhook.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { errorChain } from '../../../src/http/retry.ts';
import { registerWebhookUrl } from '../../../src/redact.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';
import { sinkPerTest } from './local-servers.ts';
import { summaryNotification, unreadableNotification } from './notifications.ts';

const started = sinkPerTest();

/** Posts `{ n: 1 }` to the sink's "hook" webhook; interpret accepts 2xx and refuses the rest with their body. */
function post(url: string, extra: Partial<WebhookPostOptions> = {}): Promise<void> {
  return postWebhook({
    destination: 'hook',
    url,
    payload: { n: 1 },
    deadline: deadlineIn(5_000),
    perAttemptTimeoutMs: 2_000,
    retry: { baseDelayMs: 0, maxAttempts: 3 },
    interpret: (status, body) =>
      status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: bodyReason(status, body) },
    ...extra,
  });
}

describe('postWebhook', () => {
  it('POSTs the payload as UTF-8 JSON once when the webhook accepts it', async () => {
    const s = await started();

    await post(s.urlFor('hook'));

    expect(s.posts).toHaveLength(1);
    expect(s.posts[0]?.body).toBe('{"n":1}');
    expect(s.posts[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('hands a non-retried answer’s status and body to interpret, and fails with its reason, not retried', async () => {
    const s = await started();
    s.enqueue('hook', { status: 400, body: 'invalid_payload' });
    const seen: [number, string][] = [];

    const error = await rejection(
      post(s.urlFor('hook'), {
        interpret: (status, body) => {
          seen.push([status, body]);
          return { ok: false, reason: `refused ${status}` };
        },
      }),
      DeliveryError,
    );

    expect(seen).toEqual([[400, 'invalid_payload']]);
    expect(error.message).toBe(`hook (${new URL(s.url).host}) answered refused 400`);
    expect(error.retryable).toBe(false);
    expect(error.code).toBe('DELIVERY_REJECTED');
    expect(error.statusCode).toBe(400);
    expect(error.destination).toBe('hook');
    expect(s.posts).toHaveLength(1);
  });

  it('fails on a 2xx that interpret refuses', async () => {
    const s = await started();
    s.enqueue('hook', { status: 200, body: 'no' });

    const error = await rejection(
      post(s.urlFor('hook'), { interpret: () => ({ ok: false, reason: 'HTTP 200 no' }) }),
      DeliveryError,
    );

    expect(error.message).toBe(`hook (${new URL(s.url).host}) answered HTTP 200 no`);
    expect(error.statusCode).toBe(200);
  });

  it('hands interpret a body of exactly 64 KiB, and never a cut one when the body is a byte longer', async () => {
    const s = await started();
    s.enqueue('hook', { status: 200, body: 'x'.repeat(64 * 1024) }, { status: 200, body: 'x'.repeat(64 * 1024 + 1) });
    const lengths: number[] = [];
    const interpret = (_status: number, body: string) => {
      lengths.push(body.length);
      return { ok: true as const };
    };

    await post(s.urlFor('hook'), { interpret });
    const error = await rejection(post(s.urlFor('hook'), { interpret }), DeliveryError);

    // Too large is permanent: the one oversized answer is not asked for again.
    expect(error.retryable).toBe(false);
    expect(lengths).toEqual([64 * 1024]);
    expect(error.message).toMatch(/^hook \(127\.0\.0\.1:\d+\) could not be reached \(EBODYTOOLARGE\)$/);
  });

  it('names the error class when interpret itself throws, without retrying', async () => {
    const s = await started();

    const error = await rejection(
      post(s.urlFor('hook'), {
        interpret: () => {
          throw new SyntaxError('unexpected answer');
        },
      }),
      DeliveryError,
    );

    expect(error.message).toBe(`hook (${new URL(s.url).host}) could not be reached (SyntaxError)`);
    expect(error.retryable).toBe(false);
    expect(s.posts).toHaveLength(1);
  });

  describe('transient answers', () => {
    it('waits a 429’s Retry-After, then posts again', async () => {
      const s = await started();
      s.enqueue('hook', { status: 429, headers: { 'retry-after': '1' } });
      const started_ = Date.now();

      await post(s.urlFor('hook'));

      expect(Date.now() - started_).toBeGreaterThanOrEqual(950);
      expect(s.posts).toHaveLength(2);
    });

    it('retries a 5xx without asking interpret, and logs the retry without the URL', async () => {
      const s = await started();
      s.enqueue('hook', { status: 503, body: 'down' });
      const seen: number[] = [];
      const { lines, log } = recordingLog();

      await post(s.urlFor('hook'), {
        logger: log,
        interpret: (status) => {
          seen.push(status);
          return { ok: true };
        },
      });

      expect(seen).toEqual([200]);
      expect(s.posts).toHaveLength(2);
      expect(lines).toEqual([
        'webhook post failed; retrying [{"destination":"hook","attempt":1,"delayMs":0,"statusCode":503,"reason":"HTTP 503"}]',
      ]);
    });

    it('fails as retryable with the last status once three attempts are used up', async () => {
      const s = await started();
      s.enqueue('hook', { status: 500 }, { status: 502 }, { status: 504 }, { status: 503 });

      const error = await rejection(post(s.urlFor('hook'), { retry: { baseDelayMs: 0 } }), DeliveryError);

      expect(error.message).toBe(`hook (${new URL(s.url).host}) answered HTTP 504`);
      expect(error.retryable).toBe(true);
      expect(error.code).toBe('DELIVERY_TRANSIENT');
      expect(error.statusCode).toBe(504);
      expect(s.posts).toHaveLength(3);
    });

    it('makes only as many attempts as maxAttempts says', async () => {
      const s = await started();
      s.enqueue('hook', { status: 500 }, { status: 500 }, { status: 500 });

      await rejection(post(s.urlFor('hook'), { retry: { baseDelayMs: 0, maxAttempts: 2 } }), DeliveryError);

      expect(s.posts).toHaveLength(2);
    });
  });

  describe('network failures', () => {
    it('retries a dropped connection and logs its code', async () => {
      const s = await started();
      s.enqueue('hook', { destroy: true });
      const { lines, log } = recordingLog();

      await post(s.urlFor('hook'), { logger: log });

      expect(s.posts).toHaveLength(2);
      expect(lines).toEqual([
        'webhook post failed; retrying [{"destination":"hook","attempt":1,"delayMs":0,"reason":"ECONNRESET"}]',
      ]);
    });

    it('fails as retryable naming the code when nothing listens', async () => {
      const s = await started();
      const url = s.urlFor('hook');
      await s.close();

      const error = await rejection(post(url, { retry: { baseDelayMs: 0, maxAttempts: 1 } }), DeliveryError);

      expect(error.message).toBe(`hook (${new URL(url).host}) could not be reached (ECONNREFUSED)`);
      expect(error.retryable).toBe(true);
      expect(error.statusCode).toBeUndefined();
      expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    });

    it('fails as retryable when the webhook does not answer within the attempt timeout', async () => {
      const s = await started();
      s.enqueue('hook', { hang: true });

      const error = await rejection(
        post(s.urlFor('hook'), { perAttemptTimeoutMs: 150, retry: { baseDelayMs: 0, maxAttempts: 1 } }),
        DeliveryError,
      );

      expect(error.message).toMatch(/^hook \(127\.0\.0\.1:\d+\) could not be reached \((ABORT_ERR|ETIMEDOUT)\)$/);
      expect(error.retryable).toBe(true);
    });

    it('fails as retryable without posting when no time is left', async () => {
      const s = await started();

      const error = await rejection(post(s.urlFor('hook'), { deadline: { remainingMs: () => 20 } }), DeliveryError);

      expect(error.message).toBe(`no time left to post to hook (${new URL(s.url).host})`);
      expect(error.retryable).toBe(true);
      expect(s.posts).toHaveLength(0);
    });
  });

  describe('the webhook URL is a secret', () => {
    it('never names the path, and redacts it when the service echoes it', async () => {
      const s = await started();
      const url = s.urlFor('hook');
      registerWebhookUrl(url);
      s.enqueue('hook', { status: 404, body: `no_service for ${url}` });

      const seen: string[] = [];

      const error = await rejection(
        post(url, {
          interpret: (status, body) => {
            seen.push(body);
            return { ok: false, reason: bodyReason(status, body) };
          },
        }),
        DeliveryError,
      );

      expect(seen).toEqual(['no_service for [redacted]']);
      expect(error.message).toBe(`hook (${new URL(url).host}) answered HTTP 404 no_service for [redacted]`);
      for (const link of errorChain(error)) expect(String((link as Error).message)).not.toContain('SECRET');
    });
  });
});

describe('bodyReason', () => {
  it('names the status alone for an empty or blank body', () => {
    expect(bodyReason(500, '')).toBe('HTTP 500');
    expect(bodyReason(400, ' \n\t ')).toBe('HTTP 400');
  });

  it('collapses whitespace, trims, and cuts the body to 120 characters', () => {
    expect(bodyReason(400, '  bad \n\n  payload  ')).toBe('HTTP 400 bad payload');
    expect(bodyReason(400, 'x'.repeat(121))).toBe(`HTTP 400 ${'x'.repeat(120)}`);
    expect(bodyReason(400, 'y'.repeat(120))).toBe(`HTTP 400 ${'y'.repeat(120)}`);
  });
});

describe('chatRefusal', () => {
  it.each([403, 404, 410])('calls %i a revoked or disabled webhook', (status) => {
    expect(chatRefusal(status, 'no_service')).toEqual({
      ok: false,
      reason: `HTTP ${status} no_service (webhook revoked or disabled)`,
    });
  });

  it.each([400, 401, 405, 409])('gives %i the body only', (status) => {
    expect(chatRefusal(status, 'invalid_payload')).toEqual({ ok: false, reason: `HTTP ${status} invalid_payload` });
  });
});

describe('thresholdSkip', () => {
  it('names the variable, its value and the session’s outcome', () => {
    expect(thresholdSkip('TEAMS_NOTIFY_ON', 'failures', summaryNotification('1', 'warning'))).toEqual({
      skipped: 'TEAMS_NOTIFY_ON=failures and the session is warning',
    });
    expect(thresholdSkip('X_NOTIFY_ON', 'problems', summaryNotification('2', 'success'))).toEqual({
      skipped: 'X_NOTIFY_ON=problems and the session is succeeded',
    });
  });

  it('lets through what meets the threshold', () => {
    expect(thresholdSkip('X_NOTIFY_ON', 'failures', summaryNotification('3', 'failed'))).toBeUndefined();
    expect(thresholdSkip('X_NOTIFY_ON', 'problems', unreadableNotification('4'))).toBeUndefined();
    expect(thresholdSkip('X_NOTIFY_ON', 'all', summaryNotification('5', 'success'))).toBeUndefined();
  });
});
