import { beforeEach, describe, expect, it } from 'vitest';
import type { JobSession } from '../../../src/core/job-session.ts';
import { parseTimestamp, utcSecond } from '../../../src/core/time.ts';
import {
  advanceCursor,
  type CandidateResult,
  isFinishedStatus,
  planWatch,
  type Selection,
  selectSessions,
} from '../../../src/core/watch/cursor.ts';
import { lastRunsByPolicy, missedRunChanges } from '../../../src/core/watch/missed-runs.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const WINDOWS = { backfillMs: HOUR, overlapMs: 10 * 60_000, longestRunMs: 24 * HOUR };

function session(id: string, status: string, startMs: number | null, stopMs: number | null, policy = 'P'): JobSession {
  return {
    id,
    status,
    executionStartTime: startMs === null ? null : new Date(startMs).toISOString(),
    executionStopTime: stopMs === null ? null : new Date(stopMs).toISOString(),
    backupJobInfo: { policyId: `id-${policy}`, policyName: policy },
  };
}

describe('isFinishedStatus', () => {
  it.each(['Running', 'RunningWithWarning', 'RunningWithError', 'Pending', 'Canceling', ' running '])(
    'treats %s as not finished',
    (status) => expect(isFinishedStatus(status)).toBe(false),
  );
  it.each(['Success', 'Warning', 'Error', 'Canceled', 'NeverExecuted', 'Failed', 'Unknown', 'Something new'])(
    'treats %s as finished',
    (status) => expect(isFinishedStatus(status)).toBe(true),
  );
});

describe('utcSecond', () => {
  it('formats FromUtc as YYYY-MM-DDTHH:MM:SSZ, floored to the second', () => {
    expect(utcSecond(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe('2026-01-02T03:04:05Z');
  });
});

describe('parseTimestamp on session list times', () => {
  it('reads microsecond times, treats a zone-less time as UTC, and honours offsets', () => {
    expect(parseTimestamp('2020-02-05T10:43:57.039845Z')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57, 39));
    expect(parseTimestamp('2020-02-05T10:43:57')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57));
    expect(parseTimestamp('2020-02-05T12:43:57+02:00')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57));
    expect(parseTimestamp(null)).toBeNaN();
    expect(parseTimestamp('yesterday')).toBeNaN();
  });
});

describe('planWatch', () => {
  describe('on a first run', () => {
    it('starts the cursor at now − backfill and lists from a longest run before that', () => {
      const plan = planWatch(undefined, NOW, WINDOWS);
      expect(plan.firstRun).toBe(true);
      expect(plan.cursor.atMs).toBe(NOW - HOUR);
      expect(plan.fromMs).toBe(NOW - HOUR - 24 * HOUR);
    });
  });

  describe('with a stored cursor', () => {
    it('lists from the overlap before the cursor, or from the oldest open session if that is earlier', () => {
      const cursor = { atMs: NOW - 60_000, idsAt: [], open: [] };
      expect(planWatch(cursor, NOW, WINDOWS).fromMs).toBe(NOW - 60_000 - 10 * 60_000);
      const withOpen = { ...cursor, open: [{ id: 'r', startMs: NOW - 5 * HOUR }] };
      expect(planWatch(withOpen, NOW, WINDOWS).fromMs).toBe(NOW - 5 * HOUR);
    });
  });
});

describe('selectSessions', () => {
  const cursor = { atMs: NOW - 30 * 60_000, idsAt: ['at'], open: [{ id: 'was-open', startMs: NOW - 5 * HOUR }] };
  const plan = { fromMs: 0, cursor, firstRun: false };

  it('keeps finished sessions after the cursor, oldest stop first, and remembers running ones', () => {
    const selection = selectSessions(
      [
        session('late', 'Success', NOW - HOUR, NOW - 60_000),
        session('early', 'Error', NOW - HOUR, NOW - 20 * 60_000),
        session('run', 'Running', NOW - HOUR, null),
        session('pend', 'Pending', null, null),
        session('stopping', 'Canceling', NOW - HOUR, null),
      ],
      plan,
      WINDOWS,
    );
    expect(selection.candidates.map((c) => c.id)).toEqual(['early', 'late']);
    expect(selection.running.map((s) => s.id)).toEqual(['run', 'stopping']);
  });

  it('skips the IDs already processed at the cursor instant but not others at that instant', () => {
    const selection = selectSessions(
      [session('at', 'Success', NOW - HOUR, cursor.atMs), session('twin', 'Success', NOW - HOUR, cursor.atMs)],
      plan,
      WINDOWS,
    );
    expect(selection.candidates.map((c) => c.id)).toEqual(['twin']);
  });

  it('re-checks sessions inside the overlap window (late arrivals) and open ones from long ago, but not older ones', () => {
    const selection = selectSessions(
      [
        session('skewed', 'Success', NOW - HOUR, cursor.atMs - 5 * 60_000),
        session('ancient', 'Success', NOW - 3 * HOUR, cursor.atMs - 2 * HOUR),
        session('was-open', 'Warning', NOW - 5 * HOUR, cursor.atMs - 2 * HOUR),
      ],
      plan,
      WINDOWS,
    );
    expect(selection.candidates.map((c) => c.id)).toEqual(['was-open', 'skewed']);
  });

  it('on a first run takes only sessions that stopped inside the backfill window', () => {
    const first = planWatch(undefined, NOW, WINDOWS);
    const selection = selectSessions(
      [
        session('in', 'Success', NOW - 2 * HOUR, NOW - 30 * 60_000),
        session('out', 'Success', NOW - 3 * HOUR, NOW - 2 * HOUR),
      ],
      first,
      WINDOWS,
    );
    expect(selection.candidates.map((c) => c.id)).toEqual(['in']);
  });
});

describe('advanceCursor', () => {
  const plan = { fromMs: 0, cursor: { atMs: NOW - HOUR, idsAt: ['x'], open: [] }, firstRun: false };
  let selection: Selection;
  beforeEach(() => {
    selection = selectSessions(
      [
        session('a', 'Success', NOW - 2 * HOUR, NOW - 50 * 60_000),
        session('b', 'Success', NOW - 2 * HOUR, NOW - 40 * 60_000),
        session('c', 'Success', NOW - 2 * HOUR, NOW - 40 * 60_000),
        session('d', 'Success', NOW - 2 * HOUR, NOW - 30 * 60_000),
        session('r', 'Running', NOW - 2 * HOUR, null),
      ],
      plan,
      WINDOWS,
    );
  });
  const results = (entries: [string, CandidateResult][]) => new Map(entries);

  it('moves over every settled session and keeps the IDs at the last instant', () => {
    const cursor = advanceCursor(
      plan,
      selection,
      results([
        ['a', 'notified'],
        ['b', 'already-notified'],
        ['c', 'notified'],
        ['d', 'gave-up'],
      ]),
    );
    expect(cursor).toEqual({ atMs: NOW - 30 * 60_000, idsAt: ['d'], open: [{ id: 'r', startMs: NOW - 2 * HOUR }] });
  });

  it('stops before the first session that failed and keeps it and the rest open', () => {
    const cursor = advanceCursor(
      plan,
      selection,
      results([
        ['a', 'notified'],
        ['b', 'notified'],
        ['c', 'failed'],
        ['d', 'notified'],
      ]),
    );
    expect(cursor.atMs).toBe(NOW - 40 * 60_000);
    expect(cursor.idsAt).toEqual(['b']);
    expect(cursor.open.map((s) => s.id).sort()).toEqual(['c', 'r']);
  });

  it('stays where it was when nothing settled', () => {
    const cursor = advanceCursor(plan, selection, results([['a', 'busy']]));
    expect(cursor.atMs).toBe(plan.cursor.atMs);
    expect(cursor.idsAt).toEqual(['x']);
    expect(cursor.open.map((s) => s.id).sort()).toEqual(['a', 'b', 'c', 'd', 'r']);
  });
});

describe('missedRunChanges', () => {
  const sessions = [
    session('n1', 'Success', null, NOW - 54 * HOUR, 'Nightly'),
    session('n2', 'Error', null, NOW - 31 * HOUR, 'Nightly'),
    session('d1', 'Success', null, NOW - HOUR, 'Daily'),
    session('d2', 'Running', NOW - 600_000, null, 'Daily'),
  ];

  it('raises one alert for a policy whose last run is older than the threshold', () => {
    const changes = missedRunChanges(lastRunsByPolicy(sessions), [], NOW, 26 * HOUR);
    expect(changes.raise.map((r) => [r.policyName, r.lastSessionId, r.lastStatus])).toEqual([
      ['Nightly', 'n2', 'Error'],
    ]);
    expect(changes.resolve).toEqual([]);
  });

  it('does not raise again while the alert for that gap is open', () => {
    const open = missedRunChanges(lastRunsByPolicy(sessions), [], NOW, 26 * HOUR).open;
    const again = missedRunChanges(lastRunsByPolicy(sessions), open, NOW + HOUR, 26 * HOUR);
    expect(again.raise).toEqual([]);
    expect(again.open).toEqual(open);
  });

  it('resolves the alert when the policy runs again', () => {
    const open = missedRunChanges(lastRunsByPolicy(sessions), [], NOW, 26 * HOUR).open;
    const ranAgain = [...sessions, session('n3', 'Success', null, NOW + HOUR, 'Nightly')];
    const changes = missedRunChanges(lastRunsByPolicy(ranAgain), open, NOW + HOUR, 26 * HOUR);
    expect(changes.resolve.map((r) => [r.alert.lastSessionId, r.run.lastSessionId])).toEqual([['n2', 'n3']]);
    expect(changes.open).toEqual([]);
  });
});
