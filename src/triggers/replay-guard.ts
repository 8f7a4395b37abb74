import { createHash } from 'node:crypto';
import type { DeliveryStore } from '../destinations/delivery-store.ts';
import { SIGNATURE_TOLERANCE_SECONDS } from './signature.ts';

/*
 * A signed request is valid for the whole signature window, so a captured one could be sent again and again. Each
 * accepted signature is remembered in a record store (the IDEMPOTENCY_TABLE when set, else this container's memory),
 * with the delivery records' own claim: a conditional claim takes it, a final answer completes it for the window, and
 * an answer worth retrying (503) releases it so the caller's retry of the same bytes is processed.
 */

/** What became of a signed request: processed now, already answered (a replay), or still being processed elsewhere. */
export type ReplayVerdict<T> =
  | { readonly kind: 'processed'; readonly answer: T }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'in-progress' };

/** Records outlive any timestamp the window accepts (up to the tolerance either side of now). */
export const REPLAY_MEMORY_SECONDS = 2 * SIGNATURE_TOLERANCE_SECONDS;

/**
 * Runs `process` at most once per signature while the window lasts. `isFinal` says whether an answer ends the request
 * (remembered) or invites a retry (forgotten). Throws when the store fails before anything was processed.
 */
export async function oncePerSignature<T>(
  store: DeliveryStore,
  signature: string,
  context: { getRemainingTimeInMillis(): number },
  process: () => Promise<T>,
  isFinal: (answer: T) => boolean,
): Promise<ReplayVerdict<T>> {
  const id = `replay#${createHash('sha256').update(signature).digest('base64url')}`;
  const claim = await store.claim(id, Date.now() + Math.max(1, context.getRemainingTimeInMillis()) + store.graceMs);
  if (claim.state === 'delivered') return { kind: 'duplicate' };
  if (claim.state === 'in-progress') return { kind: 'in-progress' };
  let answer: T;
  try {
    answer = await process();
  } catch (error) {
    await store.release(id).catch(() => undefined);
    throw error;
  }
  try {
    if (isFinal(answer)) await store.complete(id, new Date().toISOString());
    else await store.release(id);
  } catch {
    // The work was done; the store failing afterwards only means a replay would be processed once more.
  }
  return { kind: 'processed', answer };
}
