import type { DeliveryStore } from '../destinations/idempotent.ts';
import { SIGNATURE_TOLERANCE_SECONDS } from './signature.ts';

/*
 * A signed request is valid for the whole signature window, so a captured one could be sent again and again. Each
 * accepted signature is remembered, in the delivery record store (the IDEMPOTENCY_TABLE when set, else this container's
 * memory), through the same Powertools idempotency machinery: a conditional put claims it, a final answer completes it
 * for the window, and an answer worth retrying (503) deletes it so the caller's retry of the same bytes is processed.
 */

/** What became of a signed request: processed now, already answered (a replay), or still being processed elsewhere. */
export type ReplayVerdict<T> =
  | { readonly kind: 'processed'; readonly answer: T }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'in-progress' };

// Records outlive any timestamp the window accepts (up to the tolerance either side of now).
const REMEMBER_SECONDS = 2 * SIGNATURE_TOLERANCE_SECONDS;

/** Carries an answer out of the idempotent function so Powertools deletes the record instead of completing it. */
class RetryableAnswer<T> extends Error {
  constructor(readonly answer: T) {
    super('answer worth retrying; the signature is forgotten');
    this.name = 'RetryableAnswer';
  }
}

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
  const [{ makeIdempotent, IdempotencyConfig }, persistenceStore] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    store.persistence(),
  ]);
  let processed: { answer: T } | undefined;
  const run = async (_key: { signature: string }, _context: unknown): Promise<{ acceptedAt: string }> => {
    const answer = await process();
    processed = { answer };
    if (!isFinal(answer)) throw new RetryableAnswer(answer);
    return { acceptedAt: new Date().toISOString() };
  };
  const guarded = makeIdempotent(run, {
    persistenceStore,
    keyPrefix: 'replay',
    config: new IdempotencyConfig({ expiresAfterSeconds: REMEMBER_SECONDS, throwOnNoIdempotencyKey: true }),
  });
  const lambdaLike = { getRemainingTimeInMillis: () => Math.max(1, context.getRemainingTimeInMillis()) };
  try {
    await guarded({ signature }, lambdaLike);
  } catch (error) {
    if (error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError') return { kind: 'in-progress' };
    // The work was done; the store failing afterwards only means a replay would be processed once more.
    if (processed === undefined) throw error;
  }
  return processed === undefined ? { kind: 'duplicate' } : { kind: 'processed', answer: processed.answer };
}
