import { signatureFor } from '../triggers/signature.ts';

type HttpEventLike = { headers?: Record<string, string | undefined>; body?: string; isBase64Encoded?: boolean };

/**
 * A copy of an HTTP API v2 event signed now with `secret`, as a backup server's post-job script would sign it.
 * Sample events carry a signature from when they were written, which the five-minute window has long refused.
 */
export function signHttpEvent<T extends HttpEventLike>(event: T, secret: string, nowMs: number = Date.now()): T {
  const copy = structuredClone(event);
  const timestamp = String(Math.floor(nowMs / 1000));
  const raw = Buffer.from(copy.body ?? '', copy.isBase64Encoded ? 'base64' : 'utf8');
  copy.headers = { ...copy.headers, 'x-timestamp': timestamp, 'x-signature': signatureFor(secret, timestamp, raw) };
  return copy;
}

/** Whether an event looks like an HTTP API v2 / function URL request (for the local runner to sign it). */
export function isHttpEvent(event: unknown): event is HttpEventLike {
  return typeof event === 'object' && event !== null && 'requestContext' in event && 'headers' in event;
}
