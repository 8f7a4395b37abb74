import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureFor, verifySignature } from '../../../src/triggers/signature.ts';

const secret = 'shared-secret-0123456789';
const body = Buffer.from('{"sessionId":"38"}');
const now = 1_764_036_600_000;
const timestamp = String(now / 1000);

describe('signatureFor', () => {
  it('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>", as openssl computes it', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.{"sessionId":"38"}`).digest('hex');
    expect(signatureFor(secret, timestamp, body)).toBe(`sha256=${expected}`);
  });
});

describe('verifySignature', () => {
  const check = (overrides: Partial<Parameters<typeof verifySignature>[0]>) =>
    verifySignature({
      secret,
      timestamp,
      signature: signatureFor(secret, timestamp, body),
      body,
      nowMs: now,
      ...overrides,
    });

  it('accepts the right signature within the window, in upper-case hex too', () => {
    expect(check({})).toEqual({ ok: true });
    expect(
      check({ signature: signatureFor(secret, timestamp, body).toUpperCase().replace('SHA256', 'sha256') }),
    ).toEqual({
      ok: true,
    });
    expect(check({ nowMs: now + 299_000 })).toEqual({ ok: true });
  });

  it.each([
    ['no timestamp', { timestamp: undefined }, 'missing'],
    ['no signature', { signature: undefined }, 'missing'],
    ['an empty signature', { signature: '' }, 'missing'],
    ['a non-numeric timestamp', { timestamp: '2026-11-25T02:10:00Z' }, 'malformed'],
    ['a signature without the sha256= prefix', { signature: 'a'.repeat(64) }, 'malformed'],
    ['a truncated signature', { signature: `sha256=${'a'.repeat(63)}` }, 'malformed'],
    ['a timestamp older than five minutes', { nowMs: now + 301_000 }, 'expired'],
    ['a timestamp more than five minutes ahead', { nowMs: now - 301_000 }, 'expired'],
    ['another secret', { secret: 'another-secret-0123456789' }, 'mismatch'],
    ['another body', { body: Buffer.from('{"sessionId":"77"}') }, 'mismatch'],
  ])('refuses %s', (_name, overrides, problem) => {
    expect(check(overrides)).toEqual({ ok: false, problem });
  });

  it('refuses a signature made for another timestamp (the timestamp is signed too)', () => {
    const later = String(now / 1000 + 60);
    expect(check({ timestamp: later })).toEqual({ ok: false, problem: 'mismatch' });
  });
});
