import { describe, expect, it } from 'vitest';
import { countingAttempts } from '../../../src/attempts.ts';
import {
  errorChain,
  isTimeoutError,
  isTransientNetworkError,
  parseRetryAfter,
  tlsCertificateErrorCode,
  withRetry,
} from '../../../src/http/retry.ts';
import { budgetError, fakeTime, NOW, options, Transient } from '../../support/retry-fakes.ts';

const withCode = (code: unknown, cause?: unknown): Error =>
  Object.assign(new Error(`code ${String(code)}`, { cause }), { code });

const TRANSIENT = ['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETDOWN', 'ENETUNREACH'];
const TRANSIENT_MORE = ['EHOSTDOWN', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'];
const TIMEOUTS = ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'];
const TLS = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
];

describe('network error codes', () => {
  it.each([...TRANSIENT, ...TRANSIENT_MORE])('retries %s, and does not call it a timeout', (code) => {
    expect(isTransientNetworkError(withCode(code))).toBe(true);
    expect(isTimeoutError(withCode(code))).toBe(false);
  });

  it.each(TIMEOUTS)('retries %s as a timeout', (code) => {
    expect(isTimeoutError(withCode(code))).toBe(true);
    expect(isTransientNetworkError(withCode(code))).toBe(true);
  });

  it.each(TLS)('never retries the certificate failure %s, and names it', (code) => {
    expect(tlsCertificateErrorCode(withCode(code))).toBe(code);
    expect(isTransientNetworkError(withCode(code))).toBe(false);
  });

  it('does not retry a certificate failure even when a reset sits in the same cause chain', () => {
    expect(isTransientNetworkError(withCode('ECONNRESET', withCode('CERT_HAS_EXPIRED')))).toBe(false);
  });

  it('treats an unlisted code, a numeric code and a plain thrown string as permanent', () => {
    expect(isTransientNetworkError(withCode('EACCES'))).toBe(false);
    expect(isTransientNetworkError(withCode(104))).toBe(false);
    expect(isTransientNetworkError('ECONNRESET')).toBe(false);
    expect(isTransientNetworkError({ code: 'ECONNRESET' })).toBe(true);
    expect(isTransientNetworkError(null)).toBe(false);
  });
});

describe('errorChain', () => {
  it('stops at ten links of a long cause chain', () => {
    let error: Error = new Error('root');
    for (let i = 0; i < 14; i++) error = new Error(`wrap ${i}`, { cause: error });
    const chain = errorChain(error);
    expect(chain).toHaveLength(10);
    expect(chain[0]).toBe(error);
  });

  it('lists an error that is its own cause once, and leaves out absent causes', () => {
    const loop = new Error('loop');
    (loop as { cause?: unknown }).cause = loop;
    expect(errorChain(loop)).toEqual([loop]);
    const plain = new Error('plain', { cause: undefined });
    expect(errorChain(plain)).toEqual([plain]);
    const nulled = new Error('nulled', { cause: null });
    expect(errorChain(nulled)).toEqual([nulled]);
  });

  it('walks into an AggregateError and through its members, causes after them', () => {
    const first = new Error('first');
    const second = withCode('ECONNREFUSED');
    const outer = new AggregateError([first, second], 'both', { cause: 'why' });
    expect(errorChain(outer)).toEqual([outer, first, second, 'why']);
  });

  it('keeps a thrown non-error as the only link', () => {
    expect(errorChain('text')).toEqual(['text']);
    expect(errorChain(undefined)).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads an HTTP-date only when a day name starts it', () => {
    expect(parseRetryAfter('x Mon, 01 Jan 2030 00:00:00 GMT', NOW)).toBeUndefined();
    expect(parseRetryAfter('Mon, 01 Jan 2030 00:00:00 GMT', NOW)).toBe(Date.parse('2030-01-01T00:00:00Z') - NOW);
  });
});

describe('withRetry at its limits', () => {
  it('starts an attempt when exactly the minimum attempt time is left', async () => {
    const time = fakeTime(100);
    await expect(withRetry(async () => 'ran', options(time, { minAttemptMs: 100 }))).resolves.toBe('ran');
    await expect(withRetry(async () => 'ran', options(fakeTime(99), { minAttemptMs: 100 }))).rejects.toBe(budgetError);
  });

  it('sleeps when the delay plus the minimum attempt time exactly fills what is left, and not one millisecond more', async () => {
    // random 0.5 of the 200 ms base: the first delay is 100 ms, so 100 + 100 must fit.
    const fits = fakeTime(200);
    let attempts = 0;
    await withRetry(
      async () => {
        attempts++;
        if (attempts === 1) throw new Transient();
        return 'second';
      },
      options(fits, { minAttemptMs: 100 }),
    );
    expect(fits.sleeps).toEqual([100]);

    const short = fakeTime(199);
    const failure = new Transient();
    await expect(withRetry(async () => Promise.reject(failure), options(short, { minAttemptMs: 100 }))).rejects.toBe(
      failure,
    );
    expect(short.sleeps).toEqual([]);
  });

  it('counts each attempt under its target in the invocation, and none without a target', async () => {
    const counts: Record<string, number> = {};
    await countingAttempts(counts, async () => {
      let attempts = 0;
      await withRetry(
        async () => {
          if (++attempts < 3) throw new Transient();
        },
        options(fakeTime(10_000), { target: 'slack' }),
      );
      await withRetry(async () => 'untargeted', options(fakeTime(10_000)));
    });
    expect(counts).toEqual({ slack: 3 });
  });

  it("names the attempt's own timeout in the abort reason", async () => {
    const reason = await withRetry(
      ({ signal }) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason))),
      options(fakeTime(10_000), { perAttemptTimeoutMs: 20 }),
    );
    expect((reason as Error).message).toBe('attempt timed out after 20 ms');
  });

  it('never aborts the signal of an attempt that already succeeded', async () => {
    const signal = await withRetry(
      async (attempt) => attempt.signal,
      options(fakeTime(10_000), { perAttemptTimeoutMs: 20 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signal.aborted).toBe(false);
  });
});
