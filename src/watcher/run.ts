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
  const startedMs = now();
  const plan = planWatch(await deps.state.readCursor(), startedMs, deps.watch, deps.lister.filtersOnEndTime === true);
  const fromUtc = utcSecond(plan.fromMs);
  const listing = await listAllSessions(
    deps.lister,
    { FromUtc: fromUtc, Types: deps.watch.sessionTypes },
    deps.watch.pageSize,
    deadline,
  );
  const selection = selectSessions(listing.sessions, plan, deps.watch);

  const results = new Map<string, CandidateResult>();
  const notified: { sessionId: string; outcome: Outcome }[] = [];
  const failures: string[] = [];
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (next < selection.candidates.length) {
      const candidate = selection.candidates[next++];
      if (candidate === undefined) return;
      if (stopped || deadline.remainingMs() < deps.stopBeforeEndMs) {
        // Out of time: leave this one (and everything after it) for the next run.
        stopped = true;
        results.set(candidate.id, 'not-started');
        continue;
      }
      results.set(candidate.id, await processOne(candidate));
    }
  };

  /** Claims, notifies and settles one session; never throws, so one failure does not strand the other workers. */
  const processOne = async (candidate: Candidate): Promise<CandidateResult> => {
    const fail = (what: string, error: unknown, retryable: boolean): void => {
      failures.push(`session ${candidate.id}: ${error instanceof Error ? error.message : String(error)}`);
      deps.logger.error(what, { sessionId: candidate.id, retryable, error: error as Error });
    };
    let claim: ClaimResult;
    try {
      claim = await deps.state.claim(candidate.id, now(), Math.max(0, deadline.remainingMs()) + 30_000);
    } catch (error) {
      // Without the state store nothing can be claimed: stop taking sessions; the next run starts over.
      stopped = true;
      fail('watcher could not claim a session', error, true);
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
      fail('watcher could not notify about a session', error, retryable);
      if (retryable) {
        await deps.state.release(candidate.id).catch(() => undefined);
        return 'failed';
      }
      // A permanent refusal (webhook revoked, …) would fail the same way forever: settle it and say so.
      return (await settle(candidate.id)) ? 'gave-up' : 'failed';
    }
    notified.push({ sessionId: candidate.id, outcome });
    // Posted but not marked: the claim stays until its lease ends, so only a run after that could post it again.
    return (await settle(candidate.id)) ? 'notified' : 'failed';
  };

  const settle = async (sessionId: string): Promise<boolean> => {
    try {
      await deps.state.complete(sessionId, now() + MARKER_TTL_MS);
      return true;
    } catch (error) {
      failures.push(`session ${sessionId}: could not be marked notified`);
      deps.logger.error('watcher could not mark a session notified', { sessionId, error: error as Error });
      return false;
    }
  };

  await Promise.all(Array.from({ length: Math.min(deps.watch.concurrency, selection.candidates.length) }, worker));

  const cursor = advanceCursor(plan, selection, results);
  const cursorSaved = await deps.state.writeCursor(cursor);
  const missedRuns = await checkMissedRuns(deps, deadline, now());

  const counts: Record<CandidateResult, number> = {
    notified: 0,
    'already-notified': 0,
    'gave-up': 0,
    failed: 0,
    busy: 0,
    'not-started': 0,
  };
  for (const result of results.values()) counts[result]++;
  const report: WatchReport = {
    firstRun: plan.firstRun,
    fromUtc,
    pages: listing.pages,
    listed: listing.sessions.length,
    candidates: selection.candidates.length,
    results: counts,
    notified,
    cursor,
    cursorSaved,
    missedRuns,
  };
  deps.logger.info('watcher run finished', {
    fromUtc,
    pages: report.pages,
    listed: report.listed,
    candidates: report.candidates,
    results: counts,
    cursorAt: new Date(cursor.atMs).toISOString(),
    open: cursor.open.length,
    missedRuns,
  });
  if (failures.length > 0) {
    throw new NotifierError(
      'WATCH_INCOMPLETE',
      `watcher: ${failures.length} session(s) not notified (${failures.slice(0, 3).join('; ')})`,
      { retryable: counts.failed > 0 },
    );
  }
  return report;
}
