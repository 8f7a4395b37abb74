import type { Memory } from './history/model.ts';
import type { SessionProgress } from './job-session.ts';
import type { ObjectResults } from './objects.ts';
import { type ReportedFailure, type Severity, SeveritySchema } from './vocabulary.ts';

export type { Severity } from './vocabulary.ts';

/** Worst first: failed > warning > unknown > canceled > running/pending > success. */
export const SEVERITY_ORDER: readonly Severity[] = SeveritySchema.options;

/** A log step a reader must see: a failure or a warning, with its message verbatim (escaping happens at render time). */
export interface ProblemStep {
  readonly severity: 'failed' | 'warning';
  /** The status as the appliance wrote it, e.g. "Error" or "Failed". */
  readonly status: string;
  readonly message: string;
  /** ISO time of the step (its start, else its log time), when known. */
  readonly at: string | null;
}

export interface StatusCount {
  /** Canonical spelling for known statuses ("Success"), verbatim for unknown ones. */
  readonly status: string;
  readonly severity: Severity;
  readonly count: number;
}

/** Everything a chat message says about one job session's log. Produced by the pure summarizer. */
export interface Summary {
  readonly sessionId: string;
  readonly totalSteps: number;
  /** One row per distinct status (case-insensitive), most frequent first. */
  readonly counts: readonly StatusCount[];
  /** The worst severity among the steps; null for an empty log. */
  readonly worst: Severity | null;
  /** Failed steps first, then warnings, each in log order; capped at MAX_PROBLEMS_KEPT. */
  readonly problems: readonly ProblemStep[];
  /** How many failed and warning steps there were in all (the list above may be cut). */
  readonly failedCount: number;
  readonly warningCount: number;
  /** Earliest step start to latest step end, in ms; null when no step has a usable time. */
  readonly durationMs: number | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
}

/** The summarizer keeps at most this many problem steps per severity: more than any message can show. */
export const MAX_PROBLEMS_KEPT = 50;

/** Why no log summary could be made, as the alert names it. */
export interface ProblemReport {
  readonly sessionId: string;
  readonly failure: ReportedFailure;
  readonly statusCode: number | null;
  /** A short, secret-free explanation, e.g. "session 999 was not found (404)". */
  readonly detail: string;
}

/**
 * What the appliance says about the session itself (`GET /jobSessions/{id}`), plus what the event and config add.
 * Every field is null when unknown: the session call failed, or the appliance left it out.
 */
export interface SessionContext {
  /** The policy (job) name: the appliance's `backupJobInfo.policyName`, else the event's (see `policyNameFrom`). */
  readonly policyName: string | null;
  /** Who named the policy; an "event" name is the caller's word only, so it never resolves or joins an incident. */
  readonly policyNameFrom?: 'appliance' | 'event';
  /** The appliance's label for the session type, e.g. "Policy Backup" (`localizedType`). */
  readonly type: string | null;
  /** The appliance's own overall status of the session, verbatim (e.g. "Error"). */
  readonly status: string | null;
  /** ISO start and stop times of the whole session. */
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** The appliance's `executionDuration`, in ms, when it gave a usable one. */
  readonly durationMs: number | null;
  /** Link to the session in the appliance console (SESSION_URL_TEMPLATE), when configured. */
  readonly url: string | null;
  /** Whether the session call answered; false means name, type and status are unknown, not absent. */
  readonly fetched: boolean;
  /** The job's own result line (Backup & Replication `result.message`), when it gave one. */
  readonly resultMessage?: string | null;
  /** Processing statistics (Backup & Replication `progress`), when reported. */
  readonly progress?: SessionProgress | null;
  /** Per-object results (task sessions, protected items), when the product and revision have them. */
  readonly objects?: ObjectResults | null;
  /** What the message cannot show for this product, e.g. that step details are not available. */
  readonly note?: string | null;
}

/** The name of the one appliance the BACKUP_API_* variables describe (a deployment without APPLIANCES). */
export const DEFAULT_APPLIANCE = 'default';

/** Which appliance a session ran on: its fleet name (routing, delivery keys) and how messages identify it. */
export interface ApplianceRef {
  readonly name: string;
  /** The host for the single `default` appliance (as before fleets), else the name. */
  readonly source: string;
}

/**
 * What a destination renders: a log summary, or a report that the log could not be read; `session` adds context,
 * `memory` what the policy's history says about this run (absent when there is none to consult), and `appliance`
 * which fleet appliance it ran on.
 */
export type Notification = (
  | { readonly kind: 'summary'; readonly summary: Summary; readonly session?: SessionContext }
  | { readonly kind: 'problem'; readonly problem: ProblemReport; readonly session?: SessionContext }
) & { readonly appliance?: ApplianceRef; readonly memory?: Memory | undefined };
