import { headlineOf, jobName, outcomeOf, sessionTimes, severityOf } from '../context.ts';
import { describeSteps } from '../summarize.ts';
import type { Notification } from '../summary.ts';
import { formatDuration } from '../time.ts';
import { truncate } from './escape.ts';
import { sessionFacts } from './facts.ts';

/**
 * A PagerDuty Events API v2 event. `payload` only on trigger.
 * @see https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
 */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning';
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class: string;
    readonly custom_details: Readonly<Record<string, unknown>>;
  };
  readonly links?: readonly { readonly href: string; readonly text: string }[];
  readonly client?: string;
  readonly client_url?: string;
}

export interface PagerDutyOptions {
  readonly routingKey: string;
  /** The appliance's host: the event's `source`, and the first half of the dedup key. */
  readonly source: string;
  /** "failures": only failed sessions trigger; "problems": warnings (and unreadable or unknown sessions) too. */
  readonly notifyOn: 'failures' | 'problems';
}

/** PagerDuty's limits: summary 1,024 characters, dedup_key 255. */
export const PAGERDUTY_LIMITS = { summary: 1_024, dedupKey: 255 } as const;

const DETAILS_PER_GROUP = 5;
const FACT_KEYS = { Result: 'result_message', Objects: 'objects', Progress: 'progress', Note: 'note' } as const;
const DETAIL_MESSAGE_CHARS = 500;

/**
 * The incident key: one per appliance and policy, so a policy that keeps failing stays one incident and its next
 * success resolves it; the session ID stands in when the policy is unknown.
 * @example dedupKey(n, "backup.example.com") // "backup.example.com/policy/Nightly-Azure-VMs"
 */
export function dedupKey(notification: Notification, source: string): string {
  const policy = notification.session?.policyNameFrom === 'event' ? null : notification.session?.policyName;
  const sessionId = notification.kind === 'summary' ? notification.summary.sessionId : notification.problem.sessionId;
  return truncate(policy ? `${source}/policy/${policy}` : `${source}/session/${sessionId}`, PAGERDUTY_LIMITS.dedupKey);
}

/**
 * Decides what PagerDuty hears about a session: a `trigger` for a failure (critical) or, with notifyOn "problems", a
 * warning (warning) or an unreadable/unknown session (error); a `resolve` for a success of a known policy (stateless:
 * PagerDuty ignores a resolve with no open alert); otherwise nothing, with the reason.
 */
export function pagerDutyEvent(
  notification: Notification,
  options: PagerDutyOptions,
): { readonly event: PagerDutyEvent } | { readonly skipped: string } {
  const severity = severityOf(notification);
  const key = dedupKey(notification, options.source);
  if (severity === 'success') {
    if (!notification.session?.policyName) return { skipped: 'a success with no policy name resolves nothing' };
    if (notification.session.policyNameFrom === 'event') {
      return { skipped: 'a success whose policy only the event names resolves nothing' };
    }
    return { event: { routing_key: options.routingKey, event_action: 'resolve', dedup_key: key } };
  }
  const level =
    severity === 'failed'
      ? 'critical'
      : options.notifyOn !== 'problems'
        ? undefined
        : severity === 'warning'
          ? 'warning'
          : severity === 'unknown'
            ? 'error'
            : undefined;
  if (level === undefined) {
    return { skipped: `PAGERDUTY_NOTIFY_ON=${options.notifyOn} and the session is ${outcomeOf(notification)}` };
  }
  const session = notification.session;
  const url = session?.url ?? undefined;
  const { startedAt, endedAt } = sessionTimes(notification);
  return {
    event: {
      routing_key: options.routingKey,
      event_action: 'trigger',
      dedup_key: key,
      payload: {
        summary: truncate(headlineOf(notification), PAGERDUTY_LIMITS.summary),
        source: options.source,
        severity: level,
        ...(endedAt ? { timestamp: endedAt } : {}),
        ...(session?.policyName ? { component: session.policyName } : {}),
        ...(session?.type ? { group: session.type } : {}),
        class: 'backup job session',
        custom_details: details(notification, startedAt, endedAt),
      },
      ...(url ? { links: [{ href: url, text: 'Open session in the backup console' }], client_url: url } : {}),
      client: 'job-session-notifier',
    },
  };
}

function details(
  notification: Notification,
  startedAt: string | null,
  endedAt: string | null,
): Record<string, unknown> {
  const session = notification.session;
  const common = {
    job: jobName(notification),
    outcome: outcomeOf(notification),
    appliance_status: session?.status ?? null,
    session_type: session?.type ?? null,
    started_at: startedAt,
    ended_at: endedAt,
  };
  if (notification.kind === 'problem') {
    const { problem } = notification;
    return { session_id: problem.sessionId, ...common, problem: problem.failure, detail: problem.detail };
  }
  const { summary } = notification;
  const messages = (severity: 'failed' | 'warning') =>
    summary.problems
      .filter((p) => p.severity === severity)
      .slice(0, DETAILS_PER_GROUP)
      .map((p) => `${p.status}: ${truncate(p.message, DETAIL_MESSAGE_CHARS)}`);
  const { durationMs } = sessionTimes(notification);
  return {
    session_id: summary.sessionId,
    ...common,
    steps: describeSteps(summary, 500),
    duration: durationMs === null ? null : formatDuration(durationMs),
    failed_steps: summary.failedCount,
    warning_steps: summary.warningCount,
    first_failures: messages('failed'),
    first_warnings: messages('warning'),
    ...Object.fromEntries(sessionFacts(notification, 1_000).map((f) => [FACT_KEYS[f.label], f.text])),
  };
}
