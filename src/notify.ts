import { outcomeOf, sessionContextFrom, sessionTimes } from './core/context.ts';
import { runClassOf } from './core/history/record.ts';
import type { JobSession } from './core/job-session.ts';
import type { ObjectResults } from './core/objects.ts';
import { createSummaryBuilder } from './core/summarize.ts';
import {
  type ApplianceRef,
  DEFAULT_APPLIANCE,
  type Notification,
  type ProblemReport,
  type SessionContext,
} from './core/summary.ts';
import { utcSecond } from './core/time.ts';
import { type Outcome, reportedFailure } from './core/vocabulary.ts';
import { DeliveryError, NotifierError, SourceApiError } from './errors.ts';
import type { HistoryRecorder } from './history/recorder.ts';
import type { Deadline, Destination, SessionLogSource } from './ports.ts';
import { redactDeep } from './redact.ts';
import type { SessionRequest } from './triggers/request.ts';

export { outcomeOf } from './core/context.ts';

export type { Outcome } from './core/vocabulary.ts';

export interface NotifyDeps {
  readonly source: SessionLogSource;
  readonly destinations: readonly Destination[];
  /** The session's appliance, named in the message, its delivery keys and its routing; absent for a lone appliance. */
  readonly appliance?: ApplianceRef;
  /** Chooses the destinations per message (ROUTES); without it every message goes to `destinations`. */
  readonly destinationsFor?: (notification: Notification) => Promise<readonly Destination[]>;
  /** SESSION_URL_TEMPLATE, e.g. "https://appliance/#/sessions/{sessionId}": adds a link to every message. */
  readonly sessionUrlTemplate?: string | undefined;
  /** How long the session call may still run once the log is read; default SESSION_GRACE_MS. */
  readonly sessionGraceMs?: number;
  /** The policies' memory (streaks, baselines, Slack threads); without it messages say nothing from history. */
  readonly history?: HistoryRecorder | undefined;
}

export interface NotifyOptions {
  /** The session as the caller already has it (e.g. from the session list): then it is not read again. */
  readonly session?: JobSession | undefined;
}

/** Once the log is in, the session call (name, times, status) gets this much longer before the message goes without it. */
export const SESSION_GRACE_MS = 2_000;

export interface NotifyResult {
  readonly sessionId: string;
  readonly outcome: Outcome;
  /** Destinations that accepted the message. */
  readonly delivered: readonly string[];
  /** Set when the log could not be read and the alert says so instead. */
  readonly problem: ProblemReport | undefined;
  /** Destinations whose policy (e.g. SLACK_NOTIFY_ON=failures) left this session out, and why; absent when none did. */
  readonly skipped?: readonly { readonly destination: string; readonly reason: string }[];
}

/**
 * Reads the session's log, summarizes it and posts one message to every destination.
 * A log that cannot be read for a permanent reason (404, 403, malformed) is still reported to every destination.
 * Throws a retryable error when the appliance stays unreachable or a destination failed transiently.
 */
export async function notifySession(
  deps: NotifyDeps,
  request: SessionRequest,
  deadline: Deadline,
  options: NotifyOptions = {},
): Promise<NotifyResult> {
  const notification = await remember(deps, await readNotification(deps, request, deadline, options.session), deadline);
  const destinations = deps.destinationsFor ? await deps.destinationsFor(notification) : deps.destinations;
  const results = await Promise.allSettled(destinations.map((destination) => destination.post(notification, deadline)));
  // The memory is written while the destinations post; the invocation ends only once it is saved.
  await deps.history?.flush();

  const delivered: string[] = [];
  const skipped: { destination: string; reason: string }[] = [];
  destinations.forEach((destination, i) => {
    const r = results[i];
    if (r?.status !== 'fulfilled') return;
    if (typeof r.value === 'object' && r.value !== null && 'skipped' in r.value) {
      skipped.push({ destination: destination.name, reason: r.value.skipped });
    } else {
      delivered.push(destination.name);
    }
  });
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw deliveryFailure(failures, delivered);

  return {
    sessionId: request.sessionId,
    outcome: outcomeOf(notification),
    delivered,
    problem: notification.kind === 'problem' ? notification.problem : undefined,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}

/**
 * Reads the log and, in parallel, the session itself, so the context costs no extra round trip. The session call is
 * best effort: when it fails (or is still running SESSION_GRACE_MS after the log is in) the message says the name is unknown.
 */
async function readNotification(
  deps: NotifyDeps,
  request: SessionRequest,
  deadline: Deadline,
  known: JobSession | undefined,
): Promise<Notification> {
  const { source } = deps;
  let graceEnd = Number.POSITIVE_INFINITY;
  // Once the log is in, no new session attempt may start after the grace period.
  const sessionDeadline: Deadline = { remainingMs: () => Math.min(deadline.remainingMs(), graceEnd - Date.now()) };
  const jobSession: Promise<JobSession | undefined> =
    known !== undefined || !source.getSession
      ? Promise.resolve(known)
      : source.getSession(request.sessionId, sessionDeadline).catch(() => undefined);
  // Per-object results ride along like the session: best effort, never a reason to withhold the message.
  const objects: Promise<ObjectResults | undefined> = source.getObjectResults
    ? source.getObjectResults(request.sessionId, sessionDeadline).catch(() => undefined)
    : Promise.resolve(undefined);
  // The policy's memory is read while the log streams in, as soon as the appliance names the policy.
  void jobSession.then((found) => prefetchHistory(deps, request, found, deadline));

  const log = await readLogOrProblem(source, request, deadline).finally(() => {
    graceEnd = Date.now() + (deps.sessionGraceMs ?? SESSION_GRACE_MS);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, graceEnd - Date.now()), undefined);
  });
  const [found, perObject] = await Promise.all([
    Promise.race([jobSession, late]),
    Promise.race([objects, late]),
  ]).finally(() => clearTimeout(timer));
  const session: SessionContext = sessionContextFrom(request.sessionId, found, {
    policyName: request.policyName,
    urlTemplate: deps.sessionUrlTemplate,
    objects: perObject,
    note: source.note,
  });
  // Chat text is scrubbed like logs: an appliance may echo a credential (a refused password) in its error text.
  const scrubbed = redactDeep({ ...log, session });
  return deps.appliance === undefined ? scrubbed : { ...scrubbed, appliance: deps.appliance };
}

function prefetchHistory(deps: NotifyDeps, request: SessionRequest, found: JobSession | undefined, deadline: Deadline) {
  const policy = memoryPolicy(sessionContextFrom(request.sessionId, found));
  if (deps.history && policy)
    deps.history.prefetch({ appliance: deps.appliance?.name ?? DEFAULT_APPLIANCE, policy }, deadline);
}

/** The policy whose memory a session joins: only a name the appliance gave (an event's name could forge a streak). */
function memoryPolicy(session: SessionContext | undefined): string | undefined {
  return session?.policyNameFrom === 'appliance' && session.policyName ? session.policyName : undefined;
}

/** Records the finished session in its policy's memory and attaches what the memory says (nothing for an unnamed job). */
async function remember(deps: NotifyDeps, notification: Notification, deadline: Deadline): Promise<Notification> {
  const policy = memoryPolicy(notification.session);
  const cls = runClassOf(outcomeOf(notification));
  if (!deps.history || !policy || cls === undefined) return notification;
  const times = sessionTimes(notification);
  const sessionId = notification.kind === 'summary' ? notification.summary.sessionId : notification.problem.sessionId;
  const memory = await deps.history.record(
    { appliance: deps.appliance?.name ?? DEFAULT_APPLIANCE, policy },
    { sessionId, cls, durationMs: times.durationMs, endedAt: times.endedAt ?? utcSecond(Date.now()) },
    deadline,
  );
  return memory === undefined ? notification : { ...notification, memory };
}

async function readLogOrProblem(
  source: SessionLogSource,
  request: SessionRequest,
  deadline: Deadline,
): Promise<Notification> {
  try {
    const summary = await source.readLog(request.sessionId, deadline, () => createSummaryBuilder(request.sessionId));
    return { kind: 'summary', summary };
  } catch (error) {
    if (!(error instanceof SourceApiError) || error.retryable) throw error;
    const failure = reportedFailure(error.failure);
    if (failure === undefined) throw error;
    const problem = {
      sessionId: request.sessionId,
      failure,
      statusCode: error.statusCode ?? null,
      detail: error.message,
    };
    return { kind: 'problem', problem };
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
