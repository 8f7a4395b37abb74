import { listAllSessions, type SessionLister } from '../appliance/list-sessions.ts';
import type { WatcherConfig } from '../config/watcher.ts';
import { utcSecond } from '../core/time.ts';
import {
  advanceCursor,
  type Candidate,
  type CandidateResult,
  planWatch,
  selectSessions,
  type WatchCursor,
} from '../core/watch/cursor.ts';
import { NotifierError } from '../errors.ts';
import type { Log } from '../logger.ts';
import { type Metrics, recordNotification } from '../metrics.ts';
import { type NotifyDeps, notifySession, type Outcome } from '../notify.ts';
import type { Deadline } from '../ports.ts';
import { checkMissedRuns } from './missed-runs.ts';
import type { WatchPoster } from './posters.ts';
import { type ClaimResult, MARKER_TTL_MS, type WatcherStateStore } from './state-store.ts';

/** What a watcher run needs: the notifier's pipeline, the session list, its state and its own posters. */
export interface WatchDeps {
  readonly notify: NotifyDeps;
  readonly lister: SessionLister;
  readonly state: WatcherStateStore;
  readonly posters: readonly WatchPoster[];
  readonly watch: WatcherConfig;
  readonly logger: Log;
  /** Sessions found and notified per run, each notification by outcome, and each session's end-to-message lag. */
  readonly metrics?: Metrics;
  readonly now?: () => number;
  /** Stop taking new sessions when less than this is left of the run's deadline. */
  readonly stopBeforeEndMs: number;
  /** How often the missed-run check lists the whole lookback window; default hourly. */
  readonly missedRunCheckEveryMs?: number;
}

/** What one run did, for the log line, the tests and the reader. */
export interface WatchReport {
  readonly firstRun: boolean;
  readonly fromUtc: string;
  readonly pages: number;
  readonly listed: number;
  readonly candidates: number;
  readonly results: Readonly<Record<CandidateResult, number>>;
  readonly notified: readonly { readonly sessionId: string; readonly outcome: Outcome }[];
  readonly cursor: WatchCursor;
  readonly cursorSaved: boolean;
  readonly missedRuns: { readonly checked: boolean; readonly raised: number; readonly resolved: number };
}

/**
 * One watcher run: list the sessions since the cursor, notify about each new finished one exactly once (bounded
 * concurrency, claims in the state store), move the cursor over what is settled, then check for missed runs.
 * Throws after saving the cursor when some sessions could not be notified, so the failure is visible.
 */
export async function runWatch(deps: WatchDeps, deadline: Deadline): Promise<WatchReport> {
  const now = deps.now ?? Date.now;
  const plan = planWatch(await deps.state.readCursor(), now(), deps.watch, deps.lister.filtersOnEndTime === true);
  const fromUtc = utcSecond(plan.fromMs);
  const query = { FromUtc: fromUtc, Types: deps.watch.sessionTypes };
  const listing = await listAllSessions(deps.lister, query, deps.watch.pageSize, deadline);
  const selection = selectSessions(listing.sessions, plan, deps.watch);

  const run = new CandidateRun(deps, deadline, now);
  await run.notifyAll(selection.candidates);

  const cursor = advanceCursor(plan, selection, run.results);
  const cursorSaved = await deps.state.writeCursor(cursor);
  const missedRuns = await checkMissedRuns(deps, deadline, now());
  const counts = countResults(run.results);
  const report: WatchReport = {
    firstRun: plan.firstRun,
    fromUtc,
    pages: listing.pages,
    listed: listing.sessions.length,
    candidates: selection.candidates.length,
    results: counts,
    // In the order the sessions ended, not the order concurrent posts happened to finish.
    notified: selection.candidates.flatMap((c) => run.notified.get(c.id) ?? []),
    cursor,
    cursorSaved,
    missedRuns,
  };
  deps.metrics?.put({}, { WatcherSessionsFound: report.candidates, WatcherSessionsNotified: counts.notified });
  const { pages, listed, candidates } = report;
  const cursorAt = new Date(cursor.atMs).toISOString();
  const open = cursor.open.length;
  deps.logger.info('watcher run finished', {
    fromUtc,
    pages,
    listed,
    candidates,
    results: counts,
    cursorAt,
    open,
    missedRuns,
  });
  if (run.failures.length > 0) {
    throw new NotifierError(
      'WATCH_INCOMPLETE',
      `watcher: ${run.failures.length} session(s) not notified (${run.failures.slice(0, 3).join('; ')})`,
      { retryable: counts.failed > 0 },
    );
  }
  return report;
}

function countResults(results: ReadonlyMap<string, CandidateResult>): Record<CandidateResult, number> {
  const counts: Record<CandidateResult, number> = {
    notified: 0,
    'already-notified': 0,
    'gave-up': 0,
    failed: 0,
    busy: 0,
    'not-started': 0,
  };
  for (const result of results.values()) counts[result]++;
  return counts;
}

/** The candidates of one run, notified by `concurrency` workers; records how each one ended. */
class CandidateRun {
  readonly results = new Map<string, CandidateResult>();
  readonly notified = new Map<string, { sessionId: string; outcome: Outcome }>();
  readonly failures: string[] = [];
  private stopped = false;

  constructor(
    private readonly deps: WatchDeps,
    private readonly deadline: Deadline,
    private readonly now: () => number,
  ) {}

  async notifyAll(candidates: readonly Candidate[]): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < candidates.length) {
        const candidate = candidates[next++];
        if (candidate === undefined) return;
        if (this.stopped || this.deadline.remainingMs() < this.deps.stopBeforeEndMs) {
          // Out of time: leave this one (and everything after it) for the next run.
          this.stopped = true;
          this.results.set(candidate.id, 'not-started');
          continue;
        }
        this.results.set(candidate.id, await this.processOne(candidate));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.watch.concurrency, candidates.length) }, worker));
  }

  /** Claims, notifies and settles one session; never throws, so one failure does not strand the other workers. */
  private async processOne(candidate: Candidate): Promise<CandidateResult> {
    const { deps, deadline } = this;
    let claim: ClaimResult;
    try {
      claim = await deps.state.claim(candidate.id, this.now(), Math.max(0, deadline.remainingMs()) + 30_000);
    } catch (error) {
      // Without the state store nothing can be claimed: stop taking sessions; the next run starts over.
      this.stopped = true;
      this.fail(candidate.id, 'watcher could not claim a session', error, true);
      return 'failed';
    }
    if (claim !== 'claimed') return claim === 'done' ? 'already-notified' : 'busy';

    let outcome: Outcome;
    try {
      const policyName = candidate.session.backupJobInfo?.policyName ?? undefined;
      // The listed session is passed on, so the notifier does not read it again (one log read per session).
      const request = { sessionId: candidate.id, policyName };
      outcome = (await notifySession(deps.notify, request, deadline, { session: candidate.session })).outcome;
    } catch (error) {
      const retryable = !(error instanceof NotifierError) || error.retryable;
      this.fail(candidate.id, 'watcher could not notify about a session', error, retryable);
      if (retryable) {
        await deps.state.release(candidate.id).catch(() => undefined);
        return 'failed';
      }
      // A permanent refusal (webhook revoked, …) would fail the same way forever: settle it and say so.
      return (await this.settle(candidate.id)) ? 'gave-up' : 'failed';
    }
    this.notified.set(candidate.id, { sessionId: candidate.id, outcome });
    measureNotified(this.deps, candidate, outcome, this.now());
    // Posted but not marked: the claim stays until its lease ends, so only a run after that could post it again.
    return (await this.settle(candidate.id)) ? 'notified' : 'failed';
  }

  private fail(sessionId: string, what: string, error: unknown, retryable: boolean): void {
    this.failures.push(`session ${sessionId}: ${error instanceof Error ? error.message : String(error)}`);
    this.deps.logger.error(what, { sessionId, retryable, error: error as Error });
  }

  private async settle(sessionId: string): Promise<boolean> {
    try {
      await this.deps.state.complete(sessionId, this.now() + MARKER_TTL_MS);
      return true;
    } catch (error) {
      this.failures.push(`session ${sessionId}: could not be marked notified`);
      this.deps.logger.error('watcher could not mark a session notified', { sessionId, error: error as Error });
      return false;
    }
  }
}

/** One watcher notification by outcome, and how long after the session's end its message went out. */
function measureNotified(deps: WatchDeps, candidate: Candidate, outcome: Outcome, nowMs: number): void {
  if (deps.metrics === undefined) return;
  recordNotification(deps.metrics, outcome, undefined, candidate.session.backupJobInfo?.policyName);
  const endedMs = Date.parse(candidate.session.executionStopTime ?? '');
  if (Number.isFinite(endedMs)) deps.metrics.put({}, { WatcherLag: Math.max(0, nowMs - endedMs) });
}
