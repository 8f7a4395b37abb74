import { changesSkip } from './history/decide.ts';
import type { JobSession } from './job-session.ts';
import type { ObjectResults } from './objects.ts';
import { truncate } from './render/escape.ts';
import { describeOutcome, normalizeStatus, severityRank, worseOf } from './status.ts';
import { MAX_MESSAGE_KEPT } from './summarize.ts';
import type { Notification, SessionContext, Severity } from './summary.ts';
import { isoSeconds, parseDuration } from './time.ts';

import type { Outcome } from './vocabulary.ts';

/** Which sessions a destination hears about: every one, warnings and failures, failures only, or changes of state. */
export type NotifyOn = 'all' | 'problems' | 'failures' | 'changes';

/** Who gets pinged: on failures only (the default), or on warnings too. */
export type MentionOn = 'failures' | 'problems';

const OUTCOME_OF: Readonly<Record<Severity, Outcome>> = {
  failed: 'failed',
  warning: 'warning',
  unknown: 'unknown',
  canceled: 'canceled',
  running: 'running',
  success: 'succeeded',
};

/** The outcome word for a severity ("success" → "succeeded"). */
export function outcomeOfSeverity(severity: Severity): Outcome {
  return OUTCOME_OF[severity];
}

/** Replaces `{sessionId}` in SESSION_URL_TEMPLATE with the URL-encoded session ID. */
export function sessionUrl(template: string, sessionId: string): string {
  return template.replaceAll('{sessionId}', encodeURIComponent(sessionId));
}

const text = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

const usableDuration = (ms: number | null): number | null => (ms !== null && ms >= 0 ? Math.round(ms) : null);

/**
 * Builds the session context from what the appliance said (`jobSession`, undefined when the call failed), the event's
 * policy name (a fallback only: the appliance is the authority on which policy a session belongs to) and the link template.
 */
export function sessionContextFrom(
  sessionId: string,
  jobSession: JobSession | undefined,
  options: {
    policyName?: string | undefined;
    urlTemplate?: string | undefined;
    objects?: ObjectResults | undefined;
    note?: string | undefined;
  } = {},
): SessionContext {
  const applianceName = text(jobSession?.backupJobInfo?.policyName);
  const eventName = applianceName === null ? text(options.policyName) : null;
  const duration = parseDuration(jobSession?.executionDuration) ?? parseDuration(jobSession?.progress?.duration);
  const result = text(jobSession?.resultMessage);
  return {
    policyName: applianceName ?? eventName,
    ...(applianceName !== null
      ? { policyNameFrom: 'appliance' }
      : eventName !== null
        ? { policyNameFrom: 'event' }
        : {}),
    type: text(jobSession?.localizedType) ?? text(jobSession?.type),
    status: text(jobSession?.status),
    startedAt: isoSeconds(jobSession?.executionStartTime),
    endedAt: isoSeconds(jobSession?.executionStopTime),
    durationMs: usableDuration(duration),
    url: options.urlTemplate === undefined ? null : sessionUrl(options.urlTemplate, sessionId),
    fetched: jobSession !== undefined,
    ...(result ? { resultMessage: truncate(result, MAX_MESSAGE_KEPT) } : {}),
    ...(jobSession?.progress ? { progress: jobSession.progress } : {}),
    ...(options.objects ? { objects: options.objects } : {}),
    ...(options.note ? { note: options.note } : {}),
  };
}

/**
 * How bad the session was: the worse of its log's worst step and the appliance's own status (an empty log the
 * appliance calls a success stays "empty"); null for an empty log; "unknown" when the log could not be read, except
 * a log too large to read, which takes the session's own status when the appliance gave one.
 */
export function severityOf(notification: Notification): Severity | null {
  if (notification.kind === 'problem') return sessionOnlySeverity(notification) ?? 'unknown';
  const logWorst = notification.summary.worst;
  const status = notification.session?.status;
  if (status === null || status === undefined) return logWorst;
  const appliance = normalizeStatus(status).severity;
  if (logWorst === null && appliance === 'success') return null;
  return worseOf(logWorst, appliance);
}

/** The severity of a problem report that still knows the session's own status (a log too large to read), else null. */
function sessionOnlySeverity(notification: Notification): Severity | null {
  const status = notification.session?.status;
  if (notification.kind !== 'problem' || notification.problem.failure !== 'too-large' || !status) return null;
  return normalizeStatus(status).severity;
}

/** The outcome word for a notification: its severity, "empty" for no log entries, "unreadable" for a problem. */
export function outcomeOf(notification: Notification): Outcome {
  if (notification.kind === 'problem') {
    const severity = sessionOnlySeverity(notification);
    return severity === null ? 'unreadable' : OUTCOME_OF[severity];
  }
  const severity = severityOf(notification);
  return severity === null ? 'empty' : OUTCOME_OF[severity];
}

/** Whether a session of this severity reaches a destination set to `notifyOn` ("problems": failed, warning, unknown). */
export function meetsThreshold(severity: Severity | null, notifyOn: NotifyOn): boolean {
  if (notifyOn === 'all') return true;
  if (notifyOn === 'changes') return changesSkip(undefined, severity === 'success' || severity === null) === undefined;
  if (severity === null) return false;
  if (notifyOn === 'failures') return severity === 'failed';
  return severityRank(severity) <= severityRank('unknown');
}

/** Why a destination set to `notifyOn` leaves this notification out, or undefined when it posts. */
export function thresholdReason(notification: Notification, notifyOn: NotifyOn): string | undefined {
  const severity = severityOf(notification);
  if (notifyOn === 'changes') {
    const success = notification.kind === 'summary' && (severity === 'success' || severity === null);
    return changesSkip(notification.memory, success);
  }
  return meetsThreshold(severity, notifyOn) ? undefined : `the session is ${outcomeOf(notification)}`;
}

/** Whether a message should ping the configured on-call mention: failures always, warnings only with "problems". */
export function shouldMention(notification: Notification, mentionOn: MentionOn): boolean {
  const severity = severityOf(notification);
  return severity === 'failed' || (mentionOn === 'problems' && severity === 'warning');
}

const VERBS: Readonly<Record<Severity, string>> = {
  failed: 'failed',
  warning: 'finished with warnings',
  unknown: 'ended with an unknown status',
  canceled: 'was canceled',
  running: 'is still running',
  success: 'succeeded',
};

/** The appliance a message names: a fleet member's name; null for the single `default` appliance (nothing to tell apart). */
export function applianceLabel(notification: Notification): string | null {
  const name = notification.appliance?.name;
  return name === undefined || name === 'default' ? null : name;
}

/** The job's name as a headline shows it: the policy name, or a plain statement that it is unknown. */
export function jobName(notification: Notification): string {
  return notification.session?.policyName ?? 'Unknown job';
}

/**
 * The plain-text headline (renderers escape it): "❌ Nightly-Azure-VMs failed — session 77".
 * A report about an unreadable log keeps its own wording: "❌ Could not read session 999".
 */
export function headlineOf(notification: Notification): string {
  if (notification.kind === 'problem') {
    const known = sessionOnlySeverity(notification);
    const { sessionId } = notification.problem;
    if (known !== null) {
      return `${describeOutcome(known).emoji} ${jobName(notification)} ${VERBS[known]} — session ${sessionId} (log too large to read)`;
    }
    const name = notification.session?.policyName;
    return `❌ Could not read session ${sessionId}${name ? ` (${name})` : ''}`;
  }
  const severity = severityOf(notification);
  const outcome = describeOutcome(severity);
  const verb = severity === null ? 'has no log entries' : VERBS[severity];
  return `${outcome.emoji} ${jobName(notification)} ${verb} — session ${notification.summary.sessionId}`;
}

/**
 * Start, end and duration of the session: the appliance's times when it gave them, else the log's span; the duration is
 * the log's span, else the appliance's `executionDuration`, else stop minus start.
 */
export function sessionTimes(notification: Notification): {
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
} {
  const summary = notification.kind === 'summary' ? notification.summary : undefined;
  const startedAt = notification.session?.startedAt ?? isoSeconds(summary?.startedAt);
  const endedAt = notification.session?.endedAt ?? isoSeconds(summary?.endedAt);
  const span = startedAt !== null && endedAt !== null ? Date.parse(endedAt) - Date.parse(startedAt) : null;
  const durationMs =
    summary?.durationMs ?? notification.session?.durationMs ?? (span !== null && span >= 0 ? span : null);
  return { startedAt, endedAt, durationMs };
}
