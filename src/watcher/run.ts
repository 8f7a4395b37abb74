import type { WatcherConfig } from '../config/notifier.ts';
import type { JobSession, JobSessionPage, JobSessionQuery } from '../core/job-session.ts';
import { buildDigest, type Digest, type WatchMessage } from '../core/render/digest.ts';
import {
  advanceCursor,
  type Candidate,
  type CandidateResult,
  lastRunsByPolicy,
  type MissedRunAlert,
  missedRunChanges,
  planWatch,
  selectSessions,
  utcSecond,
  type WatchCursor,
} from '../core/watch/cursor.ts';
import { NotifierError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type NotifyDeps, notifySession, type Outcome } from '../notify.ts';
import type { Deadline } from '../ports.ts';
import type { WatchPoster } from './posters.ts';
import type { ClaimResult, WatcherStateStore } from './state-store.ts';

/** The appliance's session list (ApplianceClient.listSessions). */
export interface SessionLister {
  listSessions(query: JobSessionQuery, deadline: Deadline): Promise<JobSessionPage>;
}

/** What a watcher run needs: the notifier's pipeline, the session list, its state and its own posters. */
export interface WatchDeps {
  readonly notify: NotifyDeps;
  readonly lister: SessionLister;
  readonly state: WatcherStateStore;
  readonly posters: readonly WatchPoster[];
  readonly watch: WatcherConfig;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
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

// A page loop that never ends means the server's paging is broken; 1,000 pages of 100 is far beyond any appliance.
const MAX_PAGES = 1_000;
// Markers outlive every window a session can come back in (overlap, open list, clock skew).
const MARKER_TTL_MS = 30 * 86_400_000;
const MISSED_ALERTS = 'missed-run-alerts';
const MISSED_CHECKED = 'missed-run-checked';

/**
 * Lists every session matching `query`, following the server's own paging: the next offset is the page's `offset`
 * plus the results it actually returned, until `totalCount` is reached or a page comes back empty (a short page is
 * not taken as the last: servers may cap `Limit`).
 */
export async function listAllSessions(
  lister: SessionLister,
  query: Omit<JobSessionQuery, 'Offset' | 'Limit'>,
  pageSize: number,
  deadline: Deadline,
): Promise<{ sessions: JobSession[]; pages: number }> {
  const sessions: JobSession[] = [];
  let offset = 0;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const page = await lister.listSessions({ ...query, Offset: offset, Limit: pageSize }, deadline);
    const results = page.results ?? [];
    sessions.push(...results);
    offset = (page.offset ?? offset) + results.length;
    const total = page.totalCount ?? undefined;
    if (results.length === 0 || (total !== undefined && offset >= total)) return { sessions, pages };
  }
  throw new NotifierError('SOURCE_PAGING', `the session list did not end after ${MAX_PAGES} pages`, {
    retryable: false,
  });
}

/**
 * One watcher run: list the sessions since the cursor, notify about each new finished one exactly once (bounded
 * concurrency, claims in the state store), move the cursor over what is settled, then check for missed runs.
 * Throws after saving the cursor when some sessions could not be notified, so the failure is visible.
 */
export async function runWatch(deps: WatchDeps, deadline: Deadline): Promise<WatchReport> {
  const now = deps.now ?? Date.now;
  const startedMs = now();
  const plan = planWatch(await deps.state.readCursor(), startedMs, deps.watch);
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

/**
 * The missed-run check (at most every `missedRunCheckEveryMs`): one alert per policy whose last finished run is older
 * than MISSED_RUN_AFTER, once per gap, and a resolve when it runs again.
 */
async function checkMissedRuns(deps: WatchDeps, deadline: Deadline, nowMs: number): Promise<WatchReport['missedRuns']> {
  const skipped = { checked: false, raised: 0, resolved: 0 };
  if (deps.watch.missedRunAfterMs === 0 || deps.posters.length === 0) return skipped;
  const lastChecked = await deps.state.readRecord(MISSED_CHECKED);
  const every = deps.missedRunCheckEveryMs ?? 3_600_000;
  if (typeof lastChecked === 'number' && nowMs - lastChecked < every) return skipped;
  if (deadline.remainingMs() < deps.stopBeforeEndMs) return skipped;

  const { sessions } = await listAllSessions(
    deps.lister,
    { FromUtc: utcSecond(nowMs - deps.watch.missedRunLookbackMs), Types: deps.watch.sessionTypes },
    deps.watch.pageSize,
    deadline,
  );
  const stored = await deps.state.readRecord(MISSED_ALERTS);
  const open = Array.isArray(stored) ? (stored as MissedRunAlert[]) : [];
  const changes = missedRunChanges(lastRunsByPolicy(sessions), open, nowMs, deps.watch.missedRunAfterMs);
  const messages: { key: string; message: WatchMessage }[] = [
    ...changes.resolve.map(({ alert, run }) => ({
      key: `resolved#${alert.policyKey}#${alert.lastStopMs}`,
      message: { kind: 'resumed', alert, run } as const,
    })),
    ...changes.raise.map((run) => ({
      key: `missed#${run.policyKey}#${run.lastStopMs}`,
      message: { kind: 'missed-run', run, nowMs } as const,
    })),
  ];
  for (const { key, message } of messages) {
    // Claimed like a session, so overlapping runs post each alert once.
    if ((await deps.state.claim(key, nowMs, 120_000)) !== 'claimed') continue;
    await Promise.all(deps.posters.map((poster) => poster.post(message, deadline)));
    await deps.state.complete(key, nowMs + MARKER_TTL_MS);
  }
  await deps.state.writeRecord(MISSED_ALERTS, changes.open);
  await deps.state.writeRecord(MISSED_CHECKED, nowMs);
  return { checked: true, raised: changes.raise.length, resolved: changes.resolve.length };
}

/** Posts the digest of the last 24 hours to every destination. */
export async function runDigest(deps: WatchDeps, deadline: Deadline): Promise<Digest> {
  const nowMs = (deps.now ?? Date.now)();
  const fromMs = nowMs - 86_400_000;
  const { sessions } = await listAllSessions(
    deps.lister,
    { FromUtc: utcSecond(fromMs - deps.watch.longestRunMs), Types: deps.watch.sessionTypes },
    deps.watch.pageSize,
    deadline,
  );
  const digest = buildDigest(sessions, fromMs, nowMs, deps.watch.sessionUrl);
  await Promise.all(deps.posters.map((poster) => poster.post({ kind: 'digest', digest }, deadline)));
  deps.logger.info('digest posted', { total: digest.total, failed: digest.failedCount });
  return digest;
}
