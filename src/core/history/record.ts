import { type BaselineOptions, durationFact } from './baseline.ts';
import {
  type HistoryFacts,
  MAX_RUNS_KEPT,
  type Memory,
  type PolicyHistory,
  type ProblemClass,
  type Run,
  type RunClass,
} from './model.ts';

/** A finished session as the memory is told about it. */
export interface FinishedRun {
  readonly sessionId: string;
  readonly cls: RunClass;
  readonly durationMs: number | null;
  /** ISO end time (the notifier's clock when the appliance gave none). */
  readonly endedAt: string;
}

export interface Recorded {
  readonly history: PolicyHistory;
  /** The run as kept, with the facts its message states. */
  readonly run: Run;
  /** False when nothing changed (a redelivered session, or one older than every run kept): nothing to write. */
  readonly changed: boolean;
}

const isProblem = (cls: RunClass): cls is ProblemClass => cls === 'failure' || cls === 'warning';

/**
 * Records a finished session in a policy's memory. Idempotent: a session already kept returns its stored facts and
 * changes nothing. A late session (older than the newest kept) joins the runs for the baseline but does not touch the
 * streak, the last success or the open problem runs: it must not rewrite the present.
 */
export function recordRun(history: PolicyHistory, finished: FinishedRun, options: BaselineOptions): Recorded {
  const kept = history.runs.find((r) => r.sessionId === finished.sessionId);
  if (kept) return { history, run: kept, changed: false };
  const newest = history.runs[0];
  if (newest !== undefined && Date.parse(finished.endedAt) < Date.parse(newest.endedAt)) {
    return recordLate(history, finished, options);
  }
  if (newest === undefined) {
    const run: Run = { ...finished, facts: null };
    return { history: advance(history, run), run, changed: true };
  }
  const run: Run = { ...finished, facts: factsFor(history, finished, options) };
  return { history: advance(history, run), run, changed: true };
}

function recordLate(history: PolicyHistory, finished: FinishedRun, options: BaselineOptions): Recorded {
  const end = Date.parse(finished.endedAt);
  const older = history.runs.filter((r) => Date.parse(r.endedAt) <= end);
  const oldest = history.runs.at(-1);
  if (history.runs.length >= MAX_RUNS_KEPT && oldest !== undefined && end < Date.parse(oldest.endedAt)) {
    return { history, run: { ...finished, facts: null }, changed: false };
  }
  const facts: HistoryFacts = {
    change: false,
    streak: null,
    after: null,
    recovered: null,
    duration: finished.cls === 'failure' ? null : durationFact(finished.durationMs, older, options),
  };
  const run: Run = { ...finished, facts };
  const runs = [...history.runs.filter((r) => Date.parse(r.endedAt) > end), run, ...older].slice(0, MAX_RUNS_KEPT);
  return { history: { ...history, runs }, run, changed: true };
}

/** What the newest run's message says, from the memory before it. */
function factsFor(history: PolicyHistory, finished: FinishedRun, options: BaselineOptions): HistoryFacts {
  const previous = history.runs.find((r) => r.cls !== 'other')?.cls;
  const open = history.open;
  const cls = finished.cls;
  // A failed run's length says little (it stops at the error), so only finished work is held against the median.
  const duration = cls === 'failure' ? null : durationFact(finished.durationMs, history.runs, options);
  const facts: HistoryFacts = { change: false, streak: null, after: null, recovered: null, duration };
  if (cls === 'other') return { ...facts, change: history.runs[0]?.cls !== 'other' };
  if (cls === 'success') {
    const recovered =
      open === null
        ? null
        : {
            cls:
              open.failures === open.runs
                ? ('failure' as const)
                : open.failures === 0
                  ? ('warning' as const)
                  : ('problem' as const),
            runs: open.runs,
            since: open.since,
            durationMs: Math.max(0, Date.parse(finished.endedAt) - Date.parse(open.since)),
            threadTs: open.threadTs,
          };
    return { ...facts, change: previous !== undefined && previous !== 'success', recovered };
  }
  const sameClass = open !== null && open.cls === cls;
  const count = sameClass ? open.classRuns + 1 : 1;
  const after =
    count > 1
      ? null
      : open !== null
        ? { cls: open.cls, count: open.classRuns }
        : history.successesInRow > 0
          ? { cls: 'success' as const, count: history.successesInRow }
          : null;
  return {
    ...facts,
    change: previous !== cls,
    streak: { cls, count, since: open?.since ?? finished.endedAt, lastSuccessAt: history.lastSuccess?.at ?? null },
    after,
  };
}

/** The memory after its newest run. */
function advance(history: PolicyHistory, run: Run): PolicyHistory {
  const runs = [run, ...history.runs].slice(0, MAX_RUNS_KEPT);
  if (run.cls === 'other') return { ...history, runs };
  if (run.cls === 'success') {
    return {
      runs,
      lastSuccess: { at: run.endedAt, sessionId: run.sessionId },
      successesInRow: history.successesInRow + 1,
      open: null,
    };
  }
  const open = history.open;
  const failure = run.cls === 'failure' ? 1 : 0;
  return {
    ...history,
    runs,
    successesInRow: 0,
    open:
      open === null
        ? {
            since: run.endedAt,
            sessionId: run.sessionId,
            runs: 1,
            failures: failure,
            cls: run.cls,
            classRuns: 1,
            threadTs: null,
          }
        : {
            ...open,
            runs: open.runs + 1,
            failures: open.failures + failure,
            cls: run.cls,
            classRuns: open.cls === run.cls ? open.classRuns + 1 : 1,
          },
  };
}

/**
 * Keeps the Slack thread of the open problem runs that began at `since`; unchanged (null) when those runs have
 * ended or already have a thread (the first writer wins).
 */
export function withThread(history: PolicyHistory, since: string, ts: string): PolicyHistory | null {
  const open = history.open;
  if (open === null || open.since !== since || open.threadTs !== null) return null;
  return { ...history, open: { ...open, threadTs: ts } };
}

/** The memory a notification about `run` carries, with the open problem runs' thread when the run is one of them. */
export function memoryOf(key: Memory['key'], history: PolicyHistory, run: Run): Memory {
  const open = history.open;
  const inOpen = open !== null && isProblem(run.cls) && Date.parse(run.endedAt) >= Date.parse(open.since);
  return {
    key,
    endedAt: run.endedAt,
    facts: run.facts,
    thread: inOpen ? { ts: open.threadTs, since: open.since, runs: open.runs } : null,
  };
}

/** The class a session's outcome counts as; undefined for outcomes that say nothing about the policy (unreadable, running). */
export function runClassOf(outcome: string): RunClass | undefined {
  switch (outcome) {
    case 'succeeded':
    case 'empty':
      return 'success';
    case 'warning':
      return 'warning';
    case 'failed':
      return 'failure';
    case 'canceled':
      return 'other';
    default:
      return undefined;
  }
}
