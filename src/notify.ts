import { createSummaryBuilder } from './core/summarize.ts';
import type { Notification, ProblemReport, Severity } from './core/summary.ts';
import type { SessionRequest } from './core/trigger.ts';
import { DeliveryError, NotifierError, SourceApiError } from './errors.ts';
import type { Deadline, Destination, SessionLogSource } from './ports.ts';

/** The overall result a caller (and the summary log line) reports. */
export type Outcome = 'succeeded' | 'warning' | 'failed' | 'canceled' | 'running' | 'unknown' | 'empty' | 'unreadable';

export interface NotifyDeps {
  readonly source: SessionLogSource;
  readonly destinations: readonly Destination[];
}

export interface NotifyResult {
  readonly sessionId: string;
  readonly outcome: Outcome;
  /** Destinations that accepted the message. */
  readonly delivered: readonly string[];
  /** Set when the log could not be read and the alert says so instead. */
  readonly problem: ProblemReport | undefined;
}

const OUTCOME_OF: Record<Severity, Outcome> = {
  failed: 'failed',
  warning: 'warning',
  unknown: 'unknown',
  canceled: 'canceled',
  running: 'running',
  success: 'succeeded',
};

// Failures that another attempt cannot fix: the alert names them instead of going silent.
const REPORTABLE = new Set([
  'not-found',
  'forbidden',
  'invalid-response',
  'bad-request',
  'auth-failed',
  'unauthorized',
]);

/**
 * Reads the session's log, summarizes it and posts one message to every destination.
 * A log that cannot be read for a permanent reason (404, 403, malformed) is still reported to every destination.
 * Throws a retryable error when the appliance stays unreachable or a destination failed transiently.
 */
export async function notifySession(
  deps: NotifyDeps,
  request: SessionRequest,
  deadline: Deadline,
): Promise<NotifyResult> {
  const notification = await readNotification(deps.source, request, deadline);
  const results = await Promise.allSettled(
    deps.destinations.map((destination) => destination.post(notification, deadline)),
  );

  const delivered = deps.destinations.filter((_, i) => results[i]?.status === 'fulfilled').map((d) => d.name);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw deliveryFailure(failures, delivered);

  return {
    sessionId: request.sessionId,
    outcome: outcomeOf(notification),
    delivered,
    problem: notification.kind === 'problem' ? notification.problem : undefined,
  };
}

/** The outcome word for a notification: the worst step status, "empty" for no log entries, "unreadable" for a problem. */
export function outcomeOf(notification: Notification): Outcome {
  if (notification.kind === 'problem') return 'unreadable';
  const worst = notification.summary.worst;
  return worst === null ? 'empty' : OUTCOME_OF[worst];
}

async function readNotification(
  source: SessionLogSource,
  request: SessionRequest,
  deadline: Deadline,
): Promise<Notification> {
  try {
    const summary = await source.readLog(request.sessionId, deadline, () => createSummaryBuilder(request.sessionId));
    return { kind: 'summary', summary };
  } catch (error) {
    if (error instanceof SourceApiError && !error.retryable && REPORTABLE.has(error.failure)) {
      return {
        kind: 'problem',
        problem: {
          sessionId: request.sessionId,
          failure: error.failure === 'unauthorized' ? 'auth-failed' : (error.failure as ProblemReport['failure']),
          statusCode: error.statusCode ?? null,
          detail: error.message,
        },
      };
    }
    throw error;
  }
}

function deliveryFailure(failures: readonly unknown[], delivered: readonly string[]): NotifierError {
  const retryable = failures.some((f) => !(f instanceof NotifierError) || f.retryable);
  const names = failures.map((f) => (f instanceof DeliveryError ? f.destination : 'unknown'));
  const reasons = failures.map((f) => (f instanceof Error ? f.message : String(f)));
  const sent = delivered.length > 0 ? `; delivered to ${delivered.join(', ')}` : '';
  return new NotifierError(
    retryable ? 'DELIVERY_TRANSIENT' : 'DELIVERY_REJECTED',
    `could not deliver to ${names.join(', ')}: ${reasons.join('; ')}${sent}`,
    { cause: failures.length === 1 ? failures[0] : new AggregateError(failures), retryable },
  );
}
