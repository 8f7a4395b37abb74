import type { JobSession } from '../job-session.ts';
import { parseDuration } from '../time.ts';

/*
 * The scheduled watcher's pure decisions: which window to list, which listed sessions are new and finished, where the
 * cursor moves to, which policies missed their runs. The I/O around them lives in src/watcher/run.ts.
 */

// JobStatus values of a session that has not finished yet (backup-api.md §2); everything else has ended.
const UNFINISHED = new Set(['running', 'runningwithwarning', 'runningwitherror', 'pending', 'canceling']);

/** Whether a session's overall status means it has ended (not `Running*`, `Pending` or `Canceling`). */
export function isFinishedStatus(status: string): boolean {
  return !UNFINISHED.has(status.trim().toLowerCase());
}

/** An ISO time as epoch ms; a time without a zone is UTC (VBAWS writes them so); null when missing or unparsable. */
export function parseUtcMs(iso: string | null | undefined): number | null {
  if (typeof iso !== 'string' || iso.trim() === '') return null;
  const text = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso.trim()) ? iso.trim() : `${iso.trim()}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** `FromUtc`/`ToUtc` format the appliance requires since v4: `YYYY-MM-DDTHH:MM:SSZ`, floored to the second. */
export function utcSecond(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A session seen but not yet notified about (still running, or finished and not delivered yet). */
export interface OpenSession {
  readonly id: string;
  readonly startMs: number;
}

/**
 * How far the watcher got: the last `executionStopTime` fully processed, the IDs that stopped at that instant,
 * and the sessions it saw but has not notified about (their start times keep them inside the next listing).
 */
export interface WatchCursor {
  readonly atMs: number;
  readonly idsAt: readonly string[];
  readonly open: readonly OpenSession[];
}

/** Windows of the watcher (milliseconds). */
export interface WatchWindows {
  readonly backfillMs: number;
  readonly overlapMs: number;
  readonly longestRunMs: number;
}

/** What to list this run: sessions started at or after `fromMs`; the starting cursor (fresh on a first run). */
export interface WatchPlan {
  readonly fromMs: number;
  readonly cursor: WatchCursor;
  readonly firstRun: boolean;
}

/**
 * Plans a run. `FromUtc` is assumed to filter on start time, so the window reaches back to the oldest open session and
 * by the overlap before the cursor; a first run starts at now − backfill and looks back by the longest expected run,
 * so a session that started before the window and ends inside it is still found.
 */
export function planWatch(stored: WatchCursor | undefined, nowMs: number, windows: WatchWindows): WatchPlan {
  if (stored === undefined) {
    const atMs = nowMs - windows.backfillMs;
    return { fromMs: atMs - windows.longestRunMs, cursor: { atMs, idsAt: [], open: [] }, firstRun: true };
  }
  const oldestOpen = Math.min(...stored.open.map((s) => s.startMs));
  return { fromMs: Math.min(stored.atMs - windows.overlapMs, oldestOpen), cursor: stored, firstRun: false };
}

/** A finished session the watcher may have to notify about, with its times parsed. */
export interface Candidate {
  readonly id: string;
  readonly startMs: number | null;
  readonly stopMs: number;
  readonly session: JobSession;
}

/** The listed sessions sorted into those to notify about now (oldest stop first) and those still running. */
export interface Selection {
  readonly candidates: readonly Candidate[];
  readonly running: readonly OpenSession[];
}

/**
 * Picks the finished sessions that may be new: stopped after the cursor, or at the cursor but not among its IDs, or
 * stopped inside the overlap window (late arrivals, clock skew: the per-session marker decides), or left open last run.
 * A first run takes only sessions that stopped inside the backfill window.
 */
export function selectSessions(
  sessions: Iterable<JobSession>,
  plan: WatchPlan,
  windows: Pick<WatchWindows, 'overlapMs'>,
): Selection {
  const { cursor } = plan;
  const idsAt = new Set(cursor.idsAt);
  const open = new Set(cursor.open.map((s) => s.id));
  const earliest = plan.firstRun ? cursor.atMs : cursor.atMs - windows.overlapMs;
  const byId = new Map<string, Candidate>();
  const running = new Map<string, OpenSession>();
  for (const session of sessions) {
    if (session.id === null || session.id === undefined) continue;
    const id = String(session.id);
    const startMs = parseUtcMs(session.executionStartTime);
    const stopMs = parseUtcMs(session.executionStopTime);
    if (!isFinishedStatus(session.status) || stopMs === null) {
      // A pending session has no start yet; it will start after this listing, so the next window covers it.
      if (startMs !== null) running.set(id, { id, startMs });
      continue;
    }
    const wanted = open.has(id) || (stopMs >= earliest && !(stopMs === cursor.atMs && idsAt.has(id)));
    if (wanted) byId.set(id, { id, startMs, stopMs, session });
  }
  const candidates = [...byId.values()].sort((a, b) => a.stopMs - b.stopMs || compareIds(a.id, b.id));
  return { candidates, running: [...running.values()] };
}

/** How one candidate ended in this run. */
export type CandidateResult = 'notified' | 'already-notified' | 'gave-up' | 'failed' | 'busy' | 'not-started';

const SETTLED: ReadonlySet<CandidateResult> = new Set(['notified', 'already-notified', 'gave-up']);

/**
 * The cursor after a run: it moves over the leading run of settled candidates (oldest stop first) and stops before the
 * first one that failed, was busy in an overlapping run, or was not started for lack of time; those stay open.
 */
export function advanceCursor(
  plan: WatchPlan,
  selection: Selection,
  results: ReadonlyMap<string, CandidateResult>,
): WatchCursor {
  let atMs = plan.cursor.atMs;
  let idsAt = new Set(plan.cursor.idsAt);
  for (const candidate of selection.candidates) {
    if (!SETTLED.has(results.get(candidate.id) ?? 'not-started')) break;
    if (candidate.stopMs < atMs) continue;
    if (candidate.stopMs > atMs) {
      atMs = candidate.stopMs;
      idsAt = new Set();
    }
    idsAt.add(candidate.id);
  }
  const open = new Map(selection.running.map((s) => [s.id, s]));
  for (const candidate of selection.candidates) {
    if (SETTLED.has(results.get(candidate.id) ?? 'not-started')) continue;
    open.set(candidate.id, { id: candidate.id, startMs: candidate.startMs ?? candidate.stopMs });
  }
  return { atMs, idsAt: [...idsAt].sort(compareIds), open: [...open.values()] };
}

// Numeric IDs ("38", "77") in number order, UUIDs in text order.
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A session's duration in ms: its `executionDuration`, else stop − start; null when neither is known. */
export function sessionDurationMs(session: JobSession): number | null {
  const parsed = parseDuration(session.executionDuration);
  if (parsed !== null && parsed >= 0) return parsed;
  const start = parseUtcMs(session.executionStartTime);
  const stop = parseUtcMs(session.executionStopTime);
  return start !== null && stop !== null && stop >= start ? stop - start : null;
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
    const stopMs = parseUtcMs(session.executionStopTime);
    if (policy === null || stopMs === null || !isFinishedStatus(session.status)) continue;
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
