import type { JobSession } from './core/job-session.ts';
import type { ObjectResults } from './core/objects.ts';
import type { LogSink } from './core/session-log.ts';
import type { Notification } from './core/summary.ts';

export type { LogSink } from './core/session-log.ts';

/** Time left for outbound work in this invocation (the Lambda's remaining time minus a safety margin). */
export interface Deadline {
  /** Milliseconds left; zero or less means no new call may start. */
  remainingMs(): number;
}

/** The backup appliance's job-session log, as a stream of entries. */
export interface SessionLogSource {
  /**
   * Fetches and validates the log of `sessionId`, feeding each entry to a sink from `createSink`.
   * A retried attempt gets a fresh sink, so nothing is counted twice.
   * Throws SourceApiError (see errors.ts) when the appliance cannot give the log.
   */
  readLog<T>(sessionId: string, deadline: Deadline, createSink: () => LogSink<T>): Promise<T>;
  /** Reads the session itself (policy name, type, times, overall status); optional: without it messages lack the name. */
  getSession?(sessionId: string, deadline: Deadline): Promise<JobSession>;
  /** Per-object results (VMs, instances); optional: without it messages omit the line. */
  getObjectResults?(sessionId: string, deadline: Deadline): Promise<ObjectResults | undefined>;
  /** What messages from this source cannot show, e.g. that the product has no log endpoint. */
  readonly note?: string;
}

/** What a destination reports when it chose not to post (the session is below its threshold). */
export interface Skipped {
  /** Why, safe to log, e.g. "TEAMS_NOTIFY_ON=failures and the session finished with warnings". */
  readonly skipped: string;
}

/** A destination (Slack, Teams, PagerDuty, a generic webhook): renders the notification in its own format and posts it once. */
export interface Destination {
  /** A name safe to log ("slack", "teams"): never the webhook URL. */
  readonly name: string;
  /**
   * Posts, or resolves to `Skipped` when this destination's policy says the session is not for it.
   * Throws DeliveryError (see errors.ts) when the destination refuses or stays unreachable.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a destination that posted simply returns; only a skip says more.
  post(notification: Notification, deadline: Deadline): Promise<void | Skipped>;
}
