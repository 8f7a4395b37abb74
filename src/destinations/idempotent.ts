import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Notification } from '../core/summary.ts';
import { DeliveryError, NotifierError } from '../errors.ts';
import type { Log } from '../logger.ts';
import { outcomeOf } from '../notify.ts';
import type { Deadline, Destination } from '../ports.ts';

/*
 * Exactly once per (session, destination, outcome), on top of at-least-once triggers (async invoke retries, SQS
 * redelivery, duplicate SNS messages), with Powertools Idempotency rather than our own conditional writes: its
 * DynamoDB layer already does the conditional put (absent, or expired, or in progress past its expiry), the
 * in-progress → completed update with a TTL, and deletes the record when the post fails, so a failed destination is
 * retried next time. `makeIdempotent` wraps one post per destination, keyed by { appliance, sessionId, destination, outcome }.
 * (Powertools 2.35's IdempotencyHandler compares the in-progress expiry with getUTCMilliseconds(), which is wrong but
 * harmless here: the conditional put already takes over an in-progress record whose expiry has passed.)
 */

/** The idempotency key of one delivery: the same appliance, session, destination and outcome is posted at most once. */
export interface DeliveryKey {
  /** Absent for the single `default` appliance, so its keys stay what they were before fleets. */
  readonly appliance?: string;
  readonly sessionId: string;
  readonly destination: string;
  readonly outcome: string;
}

/** Where delivery records live: a Powertools persistence layer (DynamoDB deployed, in memory locally). */
export interface DeliveryStore {
  /** Loaded lazily: a deployment that never posts twice in a container pays the import once, on first use. */
  persistence(): Promise<BasePersistenceLayer>;
  /** How long a sent record suppresses duplicates, in seconds. */
  readonly expiresAfterSeconds: number;
  /** Kept on top of the deadline for the in-progress expiry (the Lambda may run past our deadline by this much). */
  readonly graceMs: number;
}

/** How long a sent record suppresses duplicates by default: longer than an async invoke's 6-hour maximum event age. */
export const DEFAULT_DELIVERY_TTL_SECONDS = 24 * 60 * 60;

// One shared prefix instead of the function name (Powertools' default), so a renamed or re-versioned function keeps its records.
const KEY_PREFIX = 'delivery';

/**
 * Wraps a destination so that each (session, destination, outcome) is posted at most once while its record lives.
 * A duplicate resolves without posting; a delivery in progress elsewhere fails as retryable; a failed post is retried
 * next time. If the store fails after the post succeeded, the post still counts as delivered (logged as a warning).
 */
export function withIdempotency(destination: Destination, store: DeliveryStore, logger?: Log): Destination {
  let wrapped: Promise<IdempotentPost> | undefined;
  return {
    name: destination.name,
    async post(notification, deadline) {
      wrapped ??= idempotentPost(destination, store).catch((error: unknown) => {
        wrapped = undefined;
        throw error;
      });
      const post = await wrapped;
      const appliance = notification.appliance?.name;
      const key: DeliveryKey = {
        ...(appliance === undefined || appliance === 'default' ? {} : { appliance }),
        sessionId: notificationSessionId(notification),
        destination: destination.name,
        outcome: outcomeOf(notification),
      };
      const attempt: PostAttempt = { posted: false, failure: undefined, skipped: undefined };
      const lambdaLike = { getRemainingTimeInMillis: () => Math.max(1, deadline.remainingMs() + store.graceMs) };
      let result: unknown;
      try {
        result = await post(key, lambdaLike, notification, deadline, attempt);
      } catch (error) {
        // The destination's policy left this session out: nothing was posted, so nothing is recorded (the record is deleted).
        if (attempt.skipped !== undefined) return { skipped: attempt.skipped };
        // The post itself failed: rethrow its error, not the store's (the record is deleted, or expires in progress).
        if (attempt.failure !== undefined) throw attempt.failure.error;
        if (attempt.posted) {
          logger?.warn('delivered, but the delivery record could not be completed; a retry may post again', {
            destination: destination.name,
            reason: reasonOf(error),
          });
          return undefined;
        }
        if (isNamed(error, 'IdempotencyAlreadyInProgressError')) {
          throw new DeliveryError(
            destination.name,
            `${destination.name}: another invocation is posting this message (session ${key.sessionId}, ${key.outcome}) right now`,
            { retryable: true },
          );
        }
        if (error instanceof NotifierError) throw error;
        throw new DeliveryError(
          destination.name,
          `${destination.name}: the delivery record store failed (${reasonOf(error)}); nothing was posted`,
          { retryable: true, cause: error },
        );
      }
      if (!attempt.posted) {
        logger?.info('already delivered; not posting again', {
          destination: destination.name,
          outcome: key.outcome,
          sentAt: typeof result === 'object' && result !== null && 'sentAt' in result ? result.sentAt : undefined,
        });
      }
      return undefined;
    },
  };
}

interface PostAttempt {
  posted: boolean;
  failure: { readonly error: unknown } | undefined;
  /** Set when the destination skipped the session (below its threshold): the reason, passed on to the caller. */
  skipped: string | undefined;
}

/** Thrown inside the idempotent function for a skip, so Powertools deletes the in-progress record instead of completing it. */
class SkippedSignal extends Error {
  constructor() {
    super('skipped by the destination policy');
    this.name = 'SkippedSignal';
  }
}

type IdempotentPost = (
  key: DeliveryKey,
  context: { getRemainingTimeInMillis(): number },
  notification: Notification,
  deadline: Deadline,
  attempt: PostAttempt,
) => Promise<unknown>;

async function idempotentPost(destination: Destination, store: DeliveryStore): Promise<IdempotentPost> {
  const [{ makeIdempotent, IdempotencyConfig }, persistenceStore] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    store.persistence(),
  ]);
  const post = async (
    _key: DeliveryKey,
    _context: unknown,
    notification: Notification,
    deadline: Deadline,
    attempt: PostAttempt,
  ): Promise<{ sentAt: string }> => {
    let answer: Awaited<ReturnType<Destination['post']>>;
    try {
      answer = await destination.post(notification, deadline);
    } catch (error) {
      attempt.failure = { error };
      throw error;
    }
    if (typeof answer === 'object' && answer !== null && 'skipped' in answer) {
      attempt.skipped = answer.skipped;
      throw new SkippedSignal();
    }
    attempt.posted = true;
    return { sentAt: new Date().toISOString() };
  };
  // A second argument with getRemainingTimeInMillis makes makeIdempotent hash the first (the key) and register it as
  // the Lambda context, so the in-progress record expires when this invocation's time is up.
  return makeIdempotent(post, {
    persistenceStore,
    keyPrefix: KEY_PREFIX,
    config: new IdempotencyConfig({ expiresAfterSeconds: store.expiresAfterSeconds, throwOnNoIdempotencyKey: true }),
  }) as IdempotentPost;
}

function notificationSessionId(notification: Notification): string {
  return notification.kind === 'problem' ? notification.problem.sessionId : notification.summary.sessionId;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function reasonOf(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return inner instanceof Error ? `${inner.name}: ${inner.message.slice(0, 200)}` : 'unknown error';
}
