import { listAllSessions } from '../appliance/list-sessions.ts';
import type { WatchMessage } from '../core/render/digest.ts';
import { utcSecond } from '../core/time.ts';
import { lastRunsByPolicy, type MissedRunAlert, missedRunChanges } from '../core/watch/missed-runs.ts';
import type { Deadline } from '../ports.ts';
import type { WatchDeps, WatchReport } from './run.ts';
import { MARKER_TTL_MS } from './state-store.ts';

const MISSED_ALERTS = 'missed-run-alerts';
const MISSED_CHECKED = 'missed-run-checked';

/**
 * The missed-run check (at most every `missedRunCheckEveryMs`): one alert per policy whose last finished run is older
 * than MISSED_RUN_AFTER, once per gap, and a resolve when it runs again.
 */
export async function checkMissedRuns(
  deps: WatchDeps,
  deadline: Deadline,
  nowMs: number,
): Promise<WatchReport['missedRuns']> {
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
