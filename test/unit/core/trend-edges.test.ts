import { describe, expect, it } from 'vitest';
import { policyTrends, SPARKLINE_RUNS, sortTrends, trendLine } from '../../../src/core/history/trend.ts';
import type { JobSession } from '../../../src/core/job-session.ts';

const FROM = Date.UTC(2026, 10, 23, 7);
const TO = Date.UTC(2026, 10, 30, 7);

function ended(policyName: string | null, id: string, stopMs: number, status = 'Success', minutes = 10): JobSession {
  return {
    id,
    status,
    executionStartTime: new Date(stopMs - minutes * 60_000).toISOString(),
    executionStopTime: new Date(stopMs).toISOString(),
    ...(policyName === null ? {} : { backupJobInfo: { policyName } }),
  };
}

const lines = (sessions: JobSession[]) =>
  policyTrends(sessions, FROM, TO).map((t) => `${t.policyName}: ${trendLine(t)}`);

describe('policyTrends window and membership', () => {
  it('counts runs that stopped exactly at either edge and none a millisecond outside', () => {
    const sessions = [
      ended('P', 'edge-from', FROM),
      ended('P', 'edge-to', TO),
      ended('P', 'early', FROM - 1),
      ended('P', 'late', TO + 1),
    ];
    expect(policyTrends(sessions, FROM, TO).map((t) => t.runs)).toEqual([2]);
  });

  it('leaves out running sessions and sessions without a policy, and counts a session listed twice once', () => {
    const sessions = [
      ended('P', '1', TO - 3_000),
      ended('P', '1', TO - 3_000),
      ended('P', '2', TO - 2_000, 'Running'),
      ended(null, '3', TO - 1_000, 'Failed'),
    ];
    expect(lines(sessions)).toEqual(['P: 1/1 succeeded (100%) · ✅ 1 success · ▁']);
  });

  it('takes the streak from the latest stop time, whatever order the list came in', () => {
    const sessions = [ended('P', 'new', TO - 1_000, 'Failed'), ended('P', 'old', TO - 9_000, 'Success')];
    expect(policyTrends(sessions, FROM, TO)[0]?.streak).toEqual({ cls: 'failure', count: 1 });
  });

  it(`draws at most the latest ${SPARKLINE_RUNS} runs, oldest first`, () => {
    const sessions = Array.from({ length: SPARKLINE_RUNS + 2 }, (_, i) =>
      ended('P', String(i), TO - (20 - i) * 60_000, 'Success', i + 1),
    );
    const [trend] = policyTrends(sessions, FROM, TO);
    expect(trend?.runs).toBe(SPARKLINE_RUNS + 2);
    expect(trend?.sparkline).toHaveLength(SPARKLINE_RUNS);
    expect(trend?.sparkline.startsWith('▁')).toBe(true);
    expect(trend?.sparkline.endsWith('█')).toBe(true);
  });
});

describe('trendLine words', () => {
  it('names warning and canceled streaks, "in a row" only from two runs', () => {
    const sessions = [
      ended('W', 'w1', TO - 3_000, 'Warning'),
      ended('W', 'w2', TO - 2_000, 'Warning'),
      ended('C', 'c1', TO - 1_000, 'Canceled'),
    ];
    expect(lines(sessions)).toEqual([
      'W: 0/2 succeeded (0%) · ⚠️ 2 warnings in a row · ▁▁',
      'C: 0/1 succeeded (0%) · ⏹️ 1 canceled run · ▁',
    ]);
  });

  it('leaves the sparkline out when no run has a duration', () => {
    const trend = {
      policyName: 'P',
      runs: 3,
      successes: 2,
      streak: { cls: 'failure', count: 1 },
      sparkline: '',
    } as const;
    expect(trendLine(trend)).toBe('2/3 succeeded (67%) · ❌ 1 failure');
  });
});

describe('sortTrends', () => {
  const trend = (policyName: string, cls: 'success' | 'warning' | 'failure' | 'other', successes: number) => ({
    policyName,
    runs: 4,
    successes,
    streak: { cls, count: 1 },
    sparkline: '',
  });

  it('puts failure streaks first, then warning streaks, then the lowest success rate, then by name', () => {
    const sorted = sortTrends([
      trend('b-ok', 'success', 4),
      trend('a-ok', 'success', 4),
      trend('flaky', 'success', 1),
      trend('warn', 'warning', 3),
      trend('fail', 'failure', 3),
      trend('canceled', 'other', 2),
    ]);
    expect(sorted.map((t) => t.policyName)).toEqual(['fail', 'warn', 'flaky', 'canceled', 'a-ok', 'b-ok']);
  });
});
