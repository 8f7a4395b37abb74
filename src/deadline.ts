import type { Context } from 'aws-lambda';
import type { Deadline } from './ports.ts';

/** The time left for outbound work: the Lambda's remaining time minus a margin kept to fail cleanly and log. */
export function deadlineFrom(context: Pick<Context, 'getRemainingTimeInMillis'>, marginMs: number): Deadline {
  return { remainingMs: () => context.getRemainingTimeInMillis() - marginMs };
}

/** A deadline `ms` from now, for local runs and tests that have no Lambda context. */
export function deadlineIn(ms: number, now: () => number = Date.now): Deadline {
  const end = now() + ms;
  return { remainingMs: () => end - now() };
}
