import type { JobSession } from '../job-session.ts';
import { parseDuration, parseTimestamp } from '../time.ts';
import { isFinishedStatus } from './cursor.ts';

/** A session's duration in ms: its `executionDuration`, else stop − start; null when neither is known. */
export function sessionDurationMs(session: JobSession): number | null {
  const parsed = parseDuration(session.executionDuration);
  if (parsed !== null && parsed >= 0) return parsed;
  const start = parseTimestamp(session.executionStartTime);
  const stop = parseTimestamp(session.executionStopTime);
  // NaN on either side fails the comparison.
  return stop >= start ? stop - start : null;
}

/** The policy a session belongs to: its ID when known, else its name; null for sessions of no policy. */
export function policyOf(session: JobSession): { readonly key: string; readonly name: string } | null {
  const info = session.backupJobInfo;
  const name = info?.policyName ?? info?.policyId ?? null;
  if (name === null) return null;
  return { key: info?.policyId ?? name, name };
}

/** The latest finished run of a policy. */
export interface PolicyLastRun {
  readonly policyKey: string;
  readonly policyName: string;
  readonly lastStopMs: number;
  readonly lastSessionId: string;
  readonly lastStatus: string;
}

/** The latest finished session per policy among `sessions`. */
export function lastRunsByPolicy(sessions: Iterable<JobSession>): Map<string, PolicyLastRun> {
  const last = new Map<string, PolicyLastRun>();
  for (const session of sessions) {
    const policy = policyOf(session);
    const stopMs = parseTimestamp(session.executionStopTime);
    if (policy === null || Number.isNaN(stopMs) || !isFinishedStatus(session.status)) continue;
    const seen = last.get(policy.key);
    if (seen !== undefined && seen.lastStopMs >= stopMs) continue;
    last.set(policy.key, {
      policyKey: policy.key,
      policyName: policy.name,
      lastStopMs: stopMs,
      lastSessionId: String(session.id ?? ''),
      lastStatus: session.status,
    });
  }
  return last;
}

/** An open missed-run alert: the policy and the last run it was raised about. */
export type MissedRunAlert = PolicyLastRun;

/** What the missed-run check must post: new alerts (once per gap) and resolves (the policy ran again). */
export interface MissedRunChanges {
  readonly raise: readonly PolicyLastRun[];
  readonly resolve: readonly { readonly alert: MissedRunAlert; readonly run: PolicyLastRun }[];
  /** The open alerts after posting all of the above. */
  readonly open: readonly MissedRunAlert[];
}

/**
 * Compares the latest run per policy (over the lookback window) with the open alerts: a policy whose last run is older
 * than `afterMs` gets one alert per gap; an alerted policy that ran again gets a resolve.
 */
export function missedRunChanges(
  lastRuns: ReadonlyMap<string, PolicyLastRun>,
  openAlerts: readonly MissedRunAlert[],
  nowMs: number,
  afterMs: number,
): MissedRunChanges {
  const open = new Map(openAlerts.map((a) => [a.policyKey, a]));
  const raise: PolicyLastRun[] = [];
  const resolve: { alert: MissedRunAlert; run: PolicyLastRun }[] = [];
  for (const alert of openAlerts) {
    const run = lastRuns.get(alert.policyKey);
    if (run !== undefined && run.lastStopMs > alert.lastStopMs) {
      resolve.push({ alert, run });
      open.delete(alert.policyKey);
    }
  }
  for (const run of lastRuns.values()) {
    if (nowMs - run.lastStopMs <= afterMs || open.has(run.policyKey)) continue;
    raise.push(run);
    open.set(run.policyKey, run);
  }
  const byName = (a: PolicyLastRun, b: PolicyLastRun) => a.policyName.localeCompare(b.policyName);
  return { raise: raise.sort(byName), resolve, open: [...open.values()].sort(byName) };
}
