import type { JobSession } from '../../src/core/job-session.ts';
import type { WatchMessage } from '../../src/core/render/digest.ts';
import { buildDigest } from '../../src/core/render/digest.ts';
import type { PolicyLastRun } from '../../src/core/watch/missed-runs.ts';
import { GOLDEN_URL_TEMPLATE } from './samples.ts';

const DAY_END = Date.parse('2024-03-12T06:00:00Z');
const DAY_START = DAY_END - 24 * 3_600_000;

/** A finished session of `policyName` that stopped `stop` (ISO) after running `minutes`. */
function session(id: string, policyName: string, status: string, stop: string | null, minutes = 12): JobSession {
  const stopMs = Date.parse(stop ?? '2024-03-12T05:30:00Z');
  return {
    id,
    type: 'PolicyBackup',
    localizedType: 'Policy Backup',
    status,
    executionStartTime: new Date(stopMs - minutes * 60_000).toISOString(),
    executionStopTime: stop,
    executionDuration: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`,
    backupJobInfo: { policyId: `policy-${policyName}`, policyName },
  };
}

/** A day of sessions: every outcome, plus a running one, a duplicate and one stopped after the window (none counted). */
function mixedDay(): JobSession[] {
  return [
    session('101', 'Daily-tw-vm2', 'Success', '2024-03-11T07:10:00Z', 8),
    session('102', 'Weekly-SQL-Servers', 'Warning', '2024-03-11T22:17:37Z', 17),
    session('103', 'Nightly-Azure-VMs', 'Failed', '2024-03-12T01:17:16Z', 17),
    session('104', 'Dev-Sandbox-VMs', 'Canceled', '2024-03-12T02:00:00Z', 1),
    session('105', 'Archive-<Blobs>', 'Error', '2024-03-12T03:30:00Z', 95),
    session('106', 'Odd-Status-Policy', 'Degraded', '2024-03-12T04:00:00Z', 3),
    session('107', 'Still-Running', 'Running', null, 30),
    session('103', 'Nightly-Azure-VMs', 'Failed', '2024-03-12T01:17:16Z', 17),
    session('108', 'After-The-Window', 'Failed', '2024-03-12T06:00:01Z', 5),
  ];
}

/** Twelve failures in one day: two more than a digest lists. */
function failingDay(): JobSession[] {
  return Array.from({ length: 12 }, (_, i) =>
    session(
      String(200 + i),
      `Policy-${String(i + 1).padStart(2, '0')}`,
      'Failed',
      `2024-03-12T0${Math.floor(i / 4)}:${String((i % 4) * 10 + 5).padStart(2, '0')}:00Z`,
    ),
  );
}

const lastRun = (id: string, stop: string, status: string): PolicyLastRun => ({
  policyKey: 'policy-Nightly-Azure-VMs',
  policyName: 'Nightly-Azure-VMs',
  lastStopMs: Date.parse(stop),
  lastSessionId: id,
  lastStatus: status,
});

/** One of the watcher's own messages, as the golden files show it. */
export interface GoldenWatchMessage {
  readonly name: string;
  readonly message: () => WatchMessage;
}

/** The watcher's messages the golden files cover (digest and missed-run alerts, Slack and Teams each). */
export const GOLDEN_WATCH_MESSAGES: readonly GoldenWatchMessage[] = [
  {
    name: 'digest-mixed',
    message: () => ({ kind: 'digest', digest: buildDigest(mixedDay(), DAY_START, DAY_END, GOLDEN_URL_TEMPLATE) }),
  },
  {
    name: 'digest-quiet',
    message: () => ({ kind: 'digest', digest: buildDigest(mixedDay().slice(0, 2), DAY_START, DAY_END, '') }),
  },
  {
    name: 'digest-capped',
    message: () => ({ kind: 'digest', digest: buildDigest(failingDay(), DAY_START, DAY_END, GOLDEN_URL_TEMPLATE) }),
  },
  {
    name: 'missed-run',
    message: () => ({
      kind: 'missed-run',
      run: lastRun('77', '2024-03-12T01:17:16Z', 'Failed'),
      nowMs: Date.parse('2024-03-14T09:00:00Z'),
    }),
  },
  {
    name: 'missed-run-resolved',
    message: () => ({
      kind: 'resumed',
      alert: lastRun('77', '2024-03-12T01:17:16Z', 'Failed'),
      run: lastRun('81', '2024-03-14T10:02:40Z', 'Success'),
    }),
  },
];
