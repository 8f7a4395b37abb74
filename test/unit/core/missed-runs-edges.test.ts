import { describe, expect, it } from 'vitest';
import type { JobSession } from '../../../src/core/job-session.ts';
import {
  lastRunsByPolicy,
  missedRunChanges,
  type PolicyLastRun,
  policyOf,
  sessionDurationMs,
} from '../../../src/core/watch/missed-runs.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 12);

describe('sessionDurationMs', () => {
  it("takes the appliance's duration, zero included, before the times", () => {
    const times = { executionStartTime: '2026-11-30T10:00:00Z', executionStopTime: '2026-11-30T11:00:00Z' };
    expect(sessionDurationMs({ id: '1', status: 'Success', executionDuration: '00:10:00', ...times })).toBe(600_000);
    expect(sessionDurationMs({ id: '1', status: 'Success', executionDuration: '00:00:00', ...times })).toBe(0);
  });

  it('falls back to stop minus start for a missing or negative duration, zero included', () => {
    const base = { id: '1', status: 'Success', executionStartTime: '2026-11-30T10:00:00Z' };
    expect(sessionDurationMs({ ...base, executionStopTime: '2026-11-30T11:00:00Z' })).toBe(HOUR);
    expect(
      sessionDurationMs({ ...base, executionDuration: '-00:00:05', executionStopTime: '2026-11-30T11:00:00Z' }),
    ).toBe(HOUR);
    expect(sessionDurationMs({ ...base, executionStopTime: '2026-11-30T10:00:00Z' })).toBe(0);
  });

  it('knows no duration for a stop before the start or a missing time', () => {
    expect(
      sessionDurationMs({
        id: '1',
        status: 'Success',
        executionStartTime: '2026-11-30T11:00:00Z',
        executionStopTime: '2026-11-30T10:00:00Z',
      }),
    ).toBeNull();
    expect(sessionDurationMs({ id: '1', status: 'Success', executionStartTime: '2026-11-30T11:00:00Z' })).toBeNull();
  });
});

describe('policyOf', () => {
  it('keys a policy by its ID when known, names it by its name, and takes the ID as name when there is none', () => {
    expect(policyOf({ id: '1', status: 'x', backupJobInfo: { policyId: 'p-1', policyName: 'Nightly' } })).toEqual({
      key: 'p-1',
      name: 'Nightly',
    });
    expect(policyOf({ id: '1', status: 'x', backupJobInfo: { policyName: 'Nightly' } })).toEqual({
      key: 'Nightly',
      name: 'Nightly',
    });
    expect(policyOf({ id: '1', status: 'x', backupJobInfo: { policyId: 'p-1' } })).toEqual({ key: 'p-1', name: 'p-1' });
    expect(policyOf({ id: '1', status: 'x' })).toBeNull();
  });
});

describe('lastRunsByPolicy', () => {
  const session = (
    id: string,
    stop: string | null,
    status = 'Success',
    policyName: string | null = 'Nightly',
  ): JobSession => ({
    id,
    status,
    executionStopTime: stop,
    ...(policyName === null ? {} : { backupJobInfo: { policyName } }),
  });

  it('keeps the latest finished run per policy, the first seen at a tie', () => {
    const runs = lastRunsByPolicy([
      session('1', '2026-11-30T01:00:00Z'),
      session('2', '2026-11-30T03:00:00Z'),
      session('3', '2026-11-30T03:00:00Z'),
      session('4', '2026-11-30T02:00:00Z'),
    ]);
    expect([...runs.values()]).toEqual([
      {
        policyKey: 'Nightly',
        policyName: 'Nightly',
        lastStopMs: Date.parse('2026-11-30T03:00:00Z'),
        lastSessionId: '2',
        lastStatus: 'Success',
      },
    ]);
  });

  it('leaves out running sessions, sessions without a stop time and sessions of no policy', () => {
    const runs = lastRunsByPolicy([
      session('1', '2026-11-30T05:00:00Z', 'Running'),
      session('2', null),
      session('3', '2026-11-30T05:00:00Z', 'Success', null),
    ]);
    expect(runs.size).toBe(0);
  });
});

describe('missedRunChanges', () => {
  const run = (policyName: string, lastStopMs: number): PolicyLastRun => ({
    policyKey: policyName,
    policyName,
    lastStopMs,
    lastSessionId: '1',
    lastStatus: 'Success',
  });

  it('raises an alert only once the last run is more than the threshold ago, sorted by name', () => {
    const runs = new Map([
      ['b', run('b', NOW - 26 * HOUR - 1)],
      ['a', run('a', NOW - 26 * HOUR - 1)],
      ['edge', run('edge', NOW - 26 * HOUR)],
    ]);
    const changes = missedRunChanges(runs, [], NOW, 26 * HOUR);
    expect(changes.raise.map((r) => r.policyName)).toEqual(['a', 'b']);
    expect(changes.open.map((r) => r.policyName)).toEqual(['a', 'b']);
    expect(changes.resolve).toEqual([]);
  });

  it('resolves an alert only for a run after the one it was raised about, and keeps it open otherwise', () => {
    const alert = run('a', NOW - 30 * HOUR);
    const same = missedRunChanges(new Map([['a', alert]]), [alert], NOW, 26 * HOUR);
    expect(same).toEqual({ raise: [], resolve: [], open: [alert] });

    const again = run('a', NOW - HOUR);
    const resolved = missedRunChanges(new Map([['a', again]]), [alert], NOW, 26 * HOUR);
    expect(resolved).toEqual({ raise: [], resolve: [{ alert, run: again }], open: [] });

    const unseen = missedRunChanges(new Map(), [alert], NOW, 26 * HOUR);
    expect(unseen.open).toEqual([alert]);
  });

  it('raises a new alert at once when the run that resolved one is itself overdue', () => {
    const alert = run('a', NOW - 60 * HOUR);
    const later = run('a', NOW - 30 * HOUR);
    const changes = missedRunChanges(new Map([['a', later]]), [alert], NOW, 26 * HOUR);
    expect(changes.resolve).toEqual([{ alert, run: later }]);
    expect(changes.raise).toEqual([later]);
    expect(changes.open).toEqual([later]);
  });
});
