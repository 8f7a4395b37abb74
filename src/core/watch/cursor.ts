import type { JobSession } from '../job-session.ts';
import { parseTimestamp } from '../time.ts';

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
 * Plans a run. Unless the product filters on end time, `FromUtc` is assumed to filter on start time, so the window reaches back to the oldest open session and
 * by the overlap before the cursor; a first run starts at now − backfill and looks back by the longest expected run,
 * so a session that started before the window and ends inside it is still found.
 */
export function planWatch(
  stored: WatchCursor | undefined,
  nowMs: number,
  windows: WatchWindows,
  filtersOnEndTime = false,
): WatchPlan {
  if (stored === undefined) {
    const atMs = nowMs - windows.backfillMs;
    // A list filtered on end time finds a long run that ended inside the window without looking back for it.
    const fromMs = filtersOnEndTime ? atMs : atMs - windows.longestRunMs;
    return { fromMs, cursor: { atMs, idsAt: [], open: [] }, firstRun: true };
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
    const startMs = parseTimestamp(session.executionStartTime);
    const stopMs = parseTimestamp(session.executionStopTime);
    if (!isFinishedStatus(session.status) || Number.isNaN(stopMs)) {
      // A pending session has no start yet; it will start after this listing, so the next window covers it.
      if (!Number.isNaN(startMs)) running.set(id, { id, startMs });
      continue;
    }
    const wanted = open.has(id) || (stopMs >= earliest && !(stopMs === cursor.atMs && idsAt.has(id)));
    if (wanted) byId.set(id, { id, startMs: Number.isNaN(startMs) ? null : startMs, stopMs, session });
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
