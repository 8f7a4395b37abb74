import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  isTimeoutError,
  isTransientNetworkError,
  isTransientStatus,
  parseRetryAfter,
  retryDelayMs,
  tlsCertificateErrorCode,
  withRetry,
} from '../../../src/http/retry.ts';
import { rejection } from '../../support/rejection.ts';
import { budgetError, fakeTime, NOW, options, Transient } from '../../support/retry-fakes.ts';

describe('http-retry', () => {
  describe('isTransientStatus', () => {
    it.each([429, 500, 502, 503, 504])('treats %i as transient', (status) => {
      expect(isTransientStatus(status)).toBe(true);
    });

    it.each([200, 400, 401, 403, 404, 409, 501, 505])('treats %i as permanent', (status) => {
      expect(isTransientStatus(status)).toBe(false);
    });
  });

  describe('parseRetryAfter', () => {
    it.each([
      ['1', 1000],
      ['0', 0],
      [' 5 ', 5000],
      ['120', 120_000],
    ])('reads delta-seconds %j as %i ms', (value, expected) => {
      expect(parseRetryAfter(value, NOW)).toBe(expected);
    });

    it('reads an IMF-fixdate relative to now', () => {
      expect(parseRetryAfter('Sat, 10 Jan 2026 12:00:07 GMT', NOW)).toBe(7000);
    });

    it('reads the obsolete RFC 850 and asctime date forms', () => {
      expect(parseRetryAfter('Saturday, 10-Jan-26 12:00:03 GMT', NOW)).toBe(3000);
      expect(parseRetryAfter('Sat Jan 10 12:00:02 2026', NOW)).toBeGreaterThanOrEqual(0);
    });

    it('answers 0 for a date in the past', () => {
      expect(parseRetryAfter('Fri, 09 Jan 2026 12:00:00 GMT', NOW)).toBe(0);
    });

    it.each([undefined, null, '', 'soon', '-1', '1.5', '2026-01-10T12:00:07Z', '0x10'])('ignores %j', (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    });

    it('uses the first value when the header came twice', () => {
      expect(parseRetryAfter(['2', '9'], NOW)).toBe(2000);
    });

    it('caps absurd delta-seconds at one day', () => {
      expect(parseRetryAfter('99999999999', NOW)).toBe(86_400_000);
    });
  });

  describe('backoffDelayMs', () => {
    it('doubles the jitter ceiling per attempt from the base delay', () => {
      const top = () => 0.999_999;
      expect(backoffDelayMs(1, { baseDelayMs: 200, random: top })).toBe(199);
      expect(backoffDelayMs(2, { baseDelayMs: 200, random: top })).toBe(399);
      expect(backoffDelayMs(3, { baseDelayMs: 200, random: top })).toBe(799);
    });

    it('never exceeds the cap however many attempts failed', () => {
      expect(backoffDelayMs(30, { baseDelayMs: 200, maxDelayMs: 5000, random: () => 0.999_999 })).toBe(4999);
    });

    it('draws uniformly from zero (full jitter)', () => {
      expect(backoffDelayMs(4, { random: () => 0 })).toBe(0);
    });
  });

  describe('retryDelayMs', () => {
    it("follows the server's Retry-After over the backoff, even above the cap", () => {
      expect(retryDelayMs(1, '30', NOW, { maxDelayMs: 5000 })).toBe(30_000);
    });

    it('falls back to backoff when Retry-After is absent or malformed', () => {
      expect(retryDelayMs(2, undefined, NOW, { baseDelayMs: 100, random: () => 0.5 })).toBe(100);
      expect(retryDelayMs(2, 'later', NOW, { baseDelayMs: 100, random: () => 0.5 })).toBe(100);
    });
  });

  describe('error classification', () => {
    it('recognises TLS trust failures anywhere in the cause chain, and never as transient', () => {
      const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      const wrapped = new Error('fetch failed', { cause: tls });
      expect(tlsCertificateErrorCode(wrapped)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(isTransientNetworkError(wrapped)).toBe(false);
    });

    it('treats resets, refusals and undici socket errors as transient', () => {
      for (const code of ['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'EAI_AGAIN']) {
        expect(isTransientNetworkError(Object.assign(new Error(code), { code }))).toBe(true);
      }
    });

    it('treats errors inside an AggregateError (happy eyeballs) by their codes', () => {
      const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      expect(isTransientNetworkError(new AggregateError([refused], 'connect failed'))).toBe(true);
    });

    it('recognises abort-signal and undici timeouts', () => {
      expect(isTimeoutError(new DOMException('late', 'TimeoutError'))).toBe(true);
      expect(isTimeoutError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe(true);
      expect(isTimeoutError(new Error('boom'))).toBe(false);
    });

    it('treats an unknown error without a code as permanent', () => {
      expect(isTransientNetworkError(new TypeError('invalid header'))).toBe(false);
    });
  });

  describe('withRetry', () => {
    it('returns the first success without sleeping', async () => {
      const time = fakeTime(10_000);
      await expect(withRetry(async () => 'ok', options(time))).resolves.toBe('ok');
      expect(time.sleeps).toEqual([]);
    });

    it('retries transient failures until one succeeds', async () => {
      const time = fakeTime(10_000);
      let calls = 0;
      const result = await withRetry(async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw new Transient();
        return attempt;
      }, options(time));
      expect(result).toBe(3);
      expect(calls).toBe(3);
      expect(time.sleeps).toEqual([100, 200]);
    });

    it('rethrows a permanent failure at once, unchanged', async () => {
      const time = fakeTime(10_000);
      const permanent = new Error('404');
      let calls = 0;
      await expect(
        withRetry(async () => {
          calls++;
          throw permanent;
        }, options(time)),
      ).rejects.toBe(permanent);
      expect(calls).toBe(1);
    });

    it('rethrows the last failure when the attempts run out', async () => {
      const time = fakeTime(60_000);
      const errors: Transient[] = [];
      const run = withRetry(
        async () => {
          const error = new Transient();
          errors.push(error);
          throw error;
        },
        options(time, { maxAttempts: 4 }),
      );
      const thrown = await rejection(run);
      expect(errors).toHaveLength(4);
      expect(thrown).toBe(errors[3]);
    });

    it("waits what the server's Retry-After asks", async () => {
      const time = fakeTime(10_000);
      await withRetry(async ({ attempt }) => {
        if (attempt === 1) throw new Transient('2');
        return 'ok';
      }, options(time));
      expect(time.sleeps).toEqual([2000]);
    });

    it('fails with the last cause instead of starting a sleep that would outlast the deadline', async () => {
      const time = fakeTime(1_000);
      const tooLate = new Transient('5');
      await expect(
        withRetry(async () => {
          throw tooLate;
        }, options(time)),
      ).rejects.toBe(tooLate);
      expect(time.sleeps).toEqual([]);
    });

    it('caps each attempt timeout by the time left', async () => {
      const time = fakeTime(700);
      const timeouts: number[] = [];
      await withRetry(
        async ({ attempt, timeoutMs }) => {
          timeouts.push(timeoutMs);
          time.spend(400);
          if (attempt === 1) throw new Transient();
          return 'ok';
        },
        options(time, { perAttemptTimeoutMs: 5_000, random: () => 0 }),
      );
      expect(timeouts).toEqual([700, 300]);
    });

    it('does not start an attempt when less than the minimum attempt time is left', async () => {
      const time = fakeTime(50);
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
          },
          options(time, { minAttemptMs: 100 }),
        ),
      ).rejects.toBe(budgetError);
      expect(calls).toBe(0);
    });

    it('aborts the attempt signal with a TimeoutError when the attempt overruns', async () => {
      const time = fakeTime(10_000);
      const reason = await withRetry(
        ({ signal }) =>
          new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason))),
        options(time, { perAttemptTimeoutMs: 20 }),
      );
      expect(isTimeoutError(reason)).toBe(true);
    });

    it('reports each retry before sleeping', async () => {
      const time = fakeTime(10_000);
      const seen: number[] = [];
      await withRetry(
        async ({ attempt }) => {
          if (attempt < 3) throw new Transient();
        },
        options(time, { onRetry: ({ attempt }) => seen.push(attempt) }),
      );
      expect(seen).toEqual([1, 2]);
    });
  });
});
