import { DeliveryError } from '../errors.ts';
import type { Log } from '../logger.ts';
import { outcomeOf } from '../notify.ts';
import type { Destination } from '../ports.ts';
import { type Claim, type DeliveryStore, deliveryRecordId } from './delivery-store.ts';

/*
 * Exactly once per (appliance, session, destination, outcome), on top of at-least-once triggers (async invoke retries, SQS
 * redelivery, duplicate SNS messages): a conditional claim in the delivery store before the post (absent, expired,
 * or in progress past its expiry), completion with a TTL after it, and release when nothing was posted, so a failed
 * destination is retried next time. Our own four calls rather than Powertools Idempotency: it did the same with the
 * same record layout, plus a JMESPath engine and a generic handler we never used, for 37.5 of the bundle's KB.
 */

/**
 * Wraps a destination so that each (session, destination, outcome) is posted at most once while its record lives.
 * A duplicate resolves without posting; a delivery in progress elsewhere fails as retryable; a failed post is retried
 * next time. If the store fails after the post succeeded, the post still counts as delivered (logged as a warning).
 */
export function withIdempotency(destination: Destination, store: DeliveryStore, logger?: Log): Destination {
  return {
    name: destination.name,
    async post(notification, deadline) {
      const outcome = outcomeOf(notification);
      const sessionId =
        notification.kind === 'problem' ? notification.problem.sessionId : notification.summary.sessionId;
      // The single `default` appliance keeps the record IDs it had before fleets (no appliance in the key).
      const named = notification.appliance?.name;
      const appliance = named === 'default' ? undefined : named;
      const id = deliveryRecordId({ appliance, sessionId, destination: destination.name, outcome });
      // The claim outlives this invocation by the grace the Lambda may still run; then another may take it over.
      const inProgressUntilMs = Date.now() + Math.max(1, deadline.remainingMs() + store.graceMs);
      let claim: Claim;
      try {
        claim = await store.claim(id, inProgressUntilMs);
      } catch (error) {
        throw new DeliveryError(
          destination.name,
          `${destination.name}: the delivery record store failed (${reasonOf(error)}); nothing was posted`,
          { retryable: true, cause: error },
        );
      }
      if (claim.state === 'delivered') {
        logger?.info('already delivered; not posting again', {
          destination: destination.name,
          outcome,
          sentAt: claim.sentAt,
        });
        return undefined;
      }
      if (claim.state === 'in-progress') {
        throw new DeliveryError(
          destination.name,
          `${destination.name}: another invocation is posting this message (session ${sessionId}, ${outcome}) right now`,
          { retryable: true },
        );
      }
      const answer = await destination.post(notification, deadline).catch(async (error: unknown) => {
        // Nothing was posted: the record goes, so the retry posts (if even that fails, the claim expires in progress).
        await store.release(id).catch(() => undefined);
        throw error;
      });
      if (typeof answer === 'object' && answer !== null && 'skipped' in answer) {
        await store.release(id).catch(() => undefined);
        return answer;
      }
      try {
        await store.complete(id, new Date().toISOString());
      } catch (error) {
        logger?.warn('delivered, but the delivery record could not be completed; a retry may post again', {
          destination: destination.name,
          reason: reasonOf(error),
        });
      }
      return undefined;
    },
  };
}

function reasonOf(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return inner instanceof Error ? `${inner.name}: ${inner.message.slice(0, 200)}` : 'unknown error';
}
