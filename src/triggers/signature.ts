import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signed request's X-Timestamp may be from now, either way, before it counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why a signed request was refused; logged, never told to the caller. */
export type SignatureProblem = 'missing' | 'malformed' | 'expired' | 'mismatch';

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly problem: SignatureProblem };

/** What a usable signing secret looks like, and how to make one; said by every refusal. */
export const SIGNING_SECRET_RULE =
  'at least 16 characters, at least 8 of them different (make one with `openssl rand -hex 32`)';

/** Whether a shared signing secret is strong enough: a blank or repetitive one can be guessed from one captured request. */
export function isStrongSigningSecret(secret: string): boolean {
  return secret.trim().length >= 16 && new Set(secret).size >= 8;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

const digest = (secret: string, timestamp: string, body: Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** The X-Signature value for `body` sent at `timestamp` (Unix seconds): `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function signatureFor(secret: string, timestamp: string, body: Uint8Array | string): string {
  return `sha256=${digest(secret, timestamp, typeof body === 'string' ? Buffer.from(body, 'utf8') : body).toString('hex')}`;
}

/**
 * Checks a request's X-Timestamp and X-Signature against the raw body bytes, in constant time.
 * A timestamp more than five minutes from `nowMs` (either way) is refused, so a captured request cannot be replayed later.
 */
export function verifySignature(input: {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: Uint8Array;
  readonly nowMs: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, problem: 'missing' };
  const given = SIGNATURE.exec(signature.trim())?.[1];
  if (!TIMESTAMP.test(timestamp) || given === undefined) return { ok: false, problem: 'malformed' };
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, problem: 'expired' };
  }
  const expected = digest(input.secret, timestamp, input.body);
  // Both are 32 bytes (the pattern fixes the hex length), so timingSafeEqual never throws here.
  return timingSafeEqual(expected, Buffer.from(given, 'hex')) ? { ok: true } : { ok: false, problem: 'mismatch' };
}
