import type { LogItem } from '../core/session-log.ts';
import { type SampleSession, sampleFromLog } from './sample-sessions.ts';

/** One run of the demo policy: its outcome and how long it took. */
export interface PlannedRun {
  readonly status: 'Success' | 'Failed' | 'Warning';
  readonly minutes: number;
}

/** The sequence `npm start -- --history` and the tests play: 3 successes of ~30 m, 2 failures, a 2 h 10 m success. */
export const HISTORY_SEQUENCE: readonly PlannedRun[] = [
  { status: 'Success', minutes: 30 },
  { status: 'Success', minutes: 31 },
  { status: 'Success', minutes: 29 },
  { status: 'Failed', minutes: 6 },
  { status: 'Failed', minutes: 5 },
  { status: 'Success', minutes: 130 },
];

const timeSpan = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00.0000000`;

const MESSAGES = {
  Success: "Snapshot backup of 'erp-db-01' has finished",
  Failed: "Snapshot backup of 'erp-db-01' failed: the storage account key was rejected (403)",
  Warning: "Snapshot backup of 'erp-db-01' finished with warnings: 1 disk skipped",
} as const;

/**
 * The planned runs as appliance sessions of one policy, one a day at 01:00 UTC ending the day before `lastDay`
 * (so the newest is recent), session IDs from `firstId` up.
 */
export function historySessions(
  runs: readonly PlannedRun[] = HISTORY_SEQUENCE,
  options: { policyName?: string; firstId?: number; lastDayMs?: number } = {},
): SampleSession[] {
  const lastDay = options.lastDayMs ?? Date.UTC(2026, 10, 30);
  return runs.map((run, i) => {
    const start = new Date(lastDay - (runs.length - i) * 86_400_000 + 3_600_000).toISOString();
    const item: LogItem = {
      logTime: start,
      status: run.status,
      message: MESSAGES[run.status],
      executionStartTime: start,
      executionDuration: timeSpan(run.minutes),
    };
    const id = String((options.firstId ?? 1000) + i);
    return sampleFromLog(id, options.policyName ?? 'ERP-Database', 1, () => [item], { status: run.status });
  });
}
