import { describe, expect, it } from 'vitest';
import type { JobSession } from '../../../src/core/job-session.ts';
import {
  advanceCursor,
  type CandidateResult,
  planWatch,
  selectSessions,
  type WatchCursor,
} from '../../../src/core/watch/cursor.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const WINDOWS = { backfillMs: 60 * MIN, overlapMs: 10 * MIN, longestRunMs: 120 * MIN };
const iso = (ms: number) => new Date(ms).toISOString();

function session(
  id: string | number | null,
  stopMs: number | null,
  status = 'Success',
  startMs?: number | null,
): JobSession {
  return {
    id,
    status,
    executionStartTime: startMs === null ? null : iso(startMs ?? (stopMs ?? NOW) - MIN),
    executionStopTime: stopMs === null ? null : iso(stopMs),
  };
}

describe('planWatch', () => {
  it('starts a first run with an empty cursor: no IDs, nothing open', () => {
    const plan = planWatch(undefined, NOW, WINDOWS);
    expect(plan).toEqual({
      fromMs: NOW - 60 * MIN - 120 * MIN,
      cursor: { atMs: NOW - 60 * MIN, idsAt: [], open: [] },
      firstRun: true,
    });
  });

  it('lists from the overlap before the cursor when nothing is open', () => {
    const stored: WatchCursor = { atMs: NOW - 5 * MIN, idsAt: ['1'], open: [] };
    expect(planWatch(stored, NOW, WINDOWS)).toEqual({ fromMs: NOW - 15 * MIN, cursor: stored, firstRun: false });
  });
});

describe('selectSessions', () => {
  const stored = (cursor: Partial<WatchCursor> = {}) =>
    planWatch({ atMs: NOW - 30 * MIN, idsAt: [], open: [], ...cursor }, NOW, WINDOWS);

  it('skips a session without an ID', () => {
    const selection = selectSessions(
      [session(null, NOW - MIN), { status: 'Success', executionStopTime: iso(NOW - MIN) }],
      stored(),
      WINDOWS,
    );
    expect(selection).toEqual({ candidates: [], running: [] });
  });

  it('takes a session that stopped exactly at the start of the overlap window and not a millisecond before', () => {
    const selection = selectSessions(
      [session('edge', NOW - 40 * MIN), session('before', NOW - 40 * MIN - 1)],
      stored(),
      WINDOWS,
    );
    expect(selection.candidates.map((c) => c.id)).toEqual(['edge']);
  });

  it('keeps a finished session without a start time, and remembers a running one only when it has started', () => {
    const selection = selectSessions(
      [
        session('done', NOW - MIN, 'Success', null),
        session('running', null, 'Running', NOW - 2 * MIN),
        session('pending', null, 'Pending', null),
        session('no-stop', null, 'Success', NOW - 3 * MIN),
      ],
      stored(),
      WINDOWS,
    );
    expect(selection.candidates).toEqual([
      { id: 'done', startMs: null, stopMs: NOW - MIN, session: expect.anything() },
    ]);
    expect(selection.running).toEqual([
      { id: 'running', startMs: NOW - 2 * MIN },
      { id: 'no-stop', startMs: NOW - 3 * MIN },
    ]);
  });

  it('orders sessions that stopped at the same instant by numeric ID', () => {
    const at = NOW - MIN;
    const selection = selectSessions([session('100', at), session('9', at), session('10', at)], stored(), WINDOWS);
    expect(selection.candidates.map((c) => c.id)).toEqual(['9', '10', '100']);
  });
});

describe('advanceCursor', () => {
  const plan = planWatch({ atMs: NOW - 30 * MIN, idsAt: ['5'], open: [] }, NOW, WINDOWS);
  const results = (entries: [string, CandidateResult][]) => new Map(entries);

  it('moves to the last settled stop, keeping every ID at that instant in numeric order', () => {
    const at = NOW - 10 * MIN;
    const selection = selectSessions(
      [session('12', at), session('3', at), session('7', NOW - 20 * MIN)],
      plan,
      WINDOWS,
    );
    const cursor = advanceCursor(
      plan,
      selection,
      results([
        ['12', 'notified'],
        ['3', 'already-notified'],
        ['7', 'gave-up'],
      ]),
    );
    expect(cursor).toEqual({ atMs: at, idsAt: ['3', '12'], open: [] });
  });

  it('adds an ID at the cursor instant to the ones already there, in numeric order, and passes over a settled late arrival', () => {
    const at = planWatch({ atMs: NOW - 30 * MIN, idsAt: ['50'], open: [] }, NOW, WINDOWS);
    const selection = selectSessions([session('6', NOW - 30 * MIN), session('late', NOW - 35 * MIN)], at, WINDOWS);
    const cursor = advanceCursor(
      at,
      selection,
      results([
        ['6', 'notified'],
        ['late', 'notified'],
      ]),
    );
    expect(cursor).toEqual({ atMs: NOW - 30 * MIN, idsAt: ['6', '50'], open: [] });
  });

  it('keeps an unsettled candidate open from its start, or from its stop when its start is unknown', () => {
    const selection = selectSessions(
      [session('a', NOW - 10 * MIN, 'Failed', NOW - 20 * MIN), session('b', NOW - 5 * MIN, 'Failed', null)],
      plan,
      WINDOWS,
    );
    const cursor = advanceCursor(
      plan,
      selection,
      results([
        ['a', 'failed'],
        ['b', 'busy'],
      ]),
    );
    expect(cursor).toEqual({
      atMs: NOW - 30 * MIN,
      idsAt: ['5'],
      open: [
        { id: 'a', startMs: NOW - 20 * MIN },
        { id: 'b', startMs: NOW - 5 * MIN },
      ],
    });
  });
});
