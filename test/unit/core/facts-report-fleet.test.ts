import { describe, expect, it } from 'vitest';
import type { Memory } from '../../../src/core/history/model.ts';
import { historyReport } from '../../../src/core/history/report.ts';
import type { PolicyTrend } from '../../../src/core/history/trend.ts';
import type { Digest } from '../../../src/core/render/digest.ts';
import { describeProgress, formatBytes, sessionFacts } from '../../../src/core/render/facts.ts';
import { summarize } from '../../../src/core/summarize.ts';
import { mergeDigests, outcomeOfStatus } from '../../../src/core/watch/fleet-digest.ts';
import { memoryWith, sessionContext } from '../../support/notifications.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [1024 ** 2 - 1, '1024.0 KB'],
    [1024 ** 2, '1.0 MB'],
    [120.5 * 1024 ** 3, '120.5 GB'],
    [1024 ** 5, '1.0 PB'],
    [1024 ** 6, '1024.0 PB'],
  ])('shows %d bytes as %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('says unknown for a negative, NaN or infinite size', () => {
    expect([-1, Number.NaN, Number.POSITIVE_INFINITY].map(formatBytes)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});

describe('describeProgress', () => {
  it('lists sizes, rate and bottleneck in reading order', () => {
    expect(
      describeProgress({
        processedSize: 120 * 1024 ** 3,
        readSize: 80 * 1024 ** 3,
        transferredSize: 40 * 1024 ** 3,
        processingRate: ' 50 MB/s ',
        bottleneck: 'Source',
      }),
    ).toBe('Processed 120.0 GB · Read 80.0 GB · Transferred 40.0 GB · 50 MB/s · Bottleneck: Source');
  });

  it('leaves out what is missing, blank, or a bottleneck of "none" in any case', () => {
    expect(describeProgress({ readSize: 0, processingRate: '   ', bottleneck: 'NONE' })).toBe('Read 0 B');
    expect(describeProgress({ bottleneck: 'Network' })).toBe('Bottleneck: Network');
  });

  it('says nothing for no statistics or only empty ones', () => {
    expect(describeProgress(undefined)).toBeNull();
    expect(describeProgress(null)).toBeNull();
    expect(describeProgress({ processingRate: '', bottleneck: 'None' })).toBeNull();
  });

  it('cuts a long rate or bottleneck text at 40 characters', () => {
    const text = describeProgress({ bottleneck: 'B'.repeat(60) });
    expect(text).toBe(`Bottleneck: ${'B'.repeat(39)}…`);
  });
});

describe('sessionFacts', () => {
  const summary = summarize('7', { log: [] });
  const session = sessionContext();

  it('gives result, progress and note in that order, each cut to the limit', () => {
    const facts = sessionFacts(
      {
        kind: 'summary',
        summary,
        session: { ...session, resultMessage: 'R'.repeat(30), progress: { readSize: 2048 }, note: 'N'.repeat(30) },
      },
      20,
    );
    expect(facts).toEqual([
      { label: 'Result', text: `${'R'.repeat(19)}…` },
      { label: 'Progress', text: 'Read 2.0 KB' },
      { label: 'Note', text: `${'N'.repeat(19)}…` },
    ]);
  });

  it('adds nothing without a session, or with a session that has none of them', () => {
    expect(sessionFacts({ kind: 'summary', summary }, 100)).toEqual([]);
    expect(sessionFacts({ kind: 'summary', summary, session }, 100)).toEqual([]);
  });
});

function digest(overrides: Partial<Digest>): Digest {
  return {
    fromMs: 0,
    toMs: 1,
    total: 0,
    bySeverity: { failed: 0, warning: 0, unknown: 0, canceled: 0, running: 0, success: 0 },
    failures: [],
    failedCount: 0,
    totalDurationMs: 0,
    longest: null,
    ...overrides,
  };
}

describe('mergeDigests', () => {
  it('sums the counts of several appliances and names each failure and the longest run with its appliance', () => {
    const eu = digest({
      total: 3,
      bySeverity: { failed: 1, warning: 1, unknown: 0, canceled: 0, running: 0, success: 1 },
      failures: [
        { sessionId: '1', policyName: 'Nightly', status: 'Failed', stoppedAt: '2024-01-01T01:00:00Z', url: '' },
      ],
      failedCount: 1,
      totalDurationMs: 600_000,
      longest: { ms: 400_000, sessionId: '1', policyName: 'Nightly' },
    });
    const us = digest({
      total: 2,
      bySeverity: { failed: 1, warning: 0, unknown: 0, canceled: 0, running: 0, success: 1 },
      failures: [
        { sessionId: '9', policyName: 'Hourly', status: 'Failed', stoppedAt: '2024-01-01T02:00:00Z', url: '' },
      ],
      failedCount: 1,
      totalDurationMs: 500_000,
      longest: { ms: 450_000, sessionId: '9', policyName: 'Hourly' },
    });

    const merged = mergeDigests(
      [
        { appliance: 'eu', digest: eu },
        { appliance: 'us', digest: us },
      ],
      10,
      20,
    );

    expect(merged).toEqual({
      fromMs: 10,
      toMs: 20,
      total: 5,
      bySeverity: { failed: 2, warning: 1, unknown: 0, canceled: 0, running: 0, success: 2 },
      failures: [
        { sessionId: '9', policyName: 'us · Hourly', status: 'Failed', stoppedAt: '2024-01-01T02:00:00Z', url: '' },
        { sessionId: '1', policyName: 'eu · Nightly', status: 'Failed', stoppedAt: '2024-01-01T01:00:00Z', url: '' },
      ],
      failedCount: 2,
      totalDurationMs: 1_100_000,
      longest: { ms: 450_000, sessionId: '9', policyName: 'us · Hourly' },
    });
  });

  it('keeps the first of two equally long runs, and names nothing by appliance when there is one', () => {
    const one = digest({ longest: { ms: 5, sessionId: 'a', policyName: 'A' } });
    const two = digest({ longest: { ms: 5, sessionId: 'b', policyName: 'B' } });
    expect(
      mergeDigests(
        [
          { appliance: 'x', digest: one },
          { appliance: 'y', digest: two },
        ],
        0,
        1,
      ).longest,
    ).toEqual({
      ms: 5,
      sessionId: 'a',
      policyName: 'x · A',
    });
    expect(mergeDigests([{ appliance: 'x', digest: one }], 0, 1).longest?.policyName).toBe('A');
  });

  it('carries the 7-day policy lines, labelled, only when some appliance has them', () => {
    const trend: PolicyTrend = {
      policyName: 'Nightly',
      runs: 7,
      successes: 7,
      streak: { cls: 'success', count: 7 },
      sparkline: '▁▂▃',
    };
    const withTrends = digest({ policies: [trend] });
    const merged = mergeDigests(
      [
        { appliance: 'eu', digest: withTrends },
        { appliance: 'us', digest: digest({}) },
      ],
      0,
      1,
    );
    expect(merged.policies?.map((p) => p.policyName)).toEqual(['eu · Nightly']);
    expect('policies' in mergeDigests([{ appliance: 'eu', digest: digest({}) }], 0, 1)).toBe(false);
  });
});

describe('outcomeOfStatus', () => {
  it('reads a listed status as the outcome routes match on', () => {
    expect(outcomeOfStatus('Failed')).toBe('failed');
    expect(outcomeOfStatus('Success')).toBe('succeeded');
    expect(outcomeOfStatus('Warning')).toBe('warning');
    expect(outcomeOfStatus(null)).toBe(outcomeOfStatus(''));
  });
});

describe('historyReport', () => {
  const key = { appliance: 'default', policy: 'Nightly' };

  it('is null without memory or without facts', () => {
    expect(historyReport(undefined)).toBeNull();
    expect(historyReport({ key, endedAt: '2024-01-03T00:00:00Z', facts: null, thread: null })).toBeNull();
  });

  it('reports a failure streak with its last success and the ratio to two decimals', () => {
    const memory: Memory = memoryWith(
      {
        change: false,
        streak: { cls: 'failure', count: 3, since: '2024-01-01T00:00:00Z', lastSuccessAt: '2023-12-31T00:00:00Z' },
        after: null,
        recovered: null,
        duration: { ms: 7_000, medianMs: 3_000, runs: 14, ratio: 2.33333, unusual: true },
      },
      '2024-01-03T00:00:00Z',
    );
    const report = historyReport(memory);
    expect(report).toMatchObject({
      streak: { kind: 'failure', count: 3, since: '2024-01-01T00:00:00Z' },
      lastSuccessAt: '2023-12-31T00:00:00Z',
      durationBaseline: { medianMs: 3_000, runs: 14, ratio: 2.33, unusual: true },
      recoveredAfter: null,
    });
    expect(report?.lines[0]).toBe('3rd failure in a row — last success 2023-12-31 00:00:00 UTC (3 days ago)');
  });

  it('takes the run itself as the last success when it is not a problem, and reports a recovery', () => {
    const report = historyReport(
      memoryWith(
        {
          change: true,
          streak: null,
          after: null,
          recovered: { cls: 'failure', runs: 2, since: '2024-01-01T00:00:00Z', durationMs: 90_000_000, threadTs: null },
          duration: null,
        },
        '2024-01-03T00:00:00Z',
      ),
    );
    expect(report).toMatchObject({
      streak: null,
      lastSuccessAt: '2024-01-03T00:00:00Z',
      durationBaseline: null,
      recoveredAfter: { runs: 2, durationMs: 90_000_000 },
    });
  });

  it('says no last success for a streak that has none on record', () => {
    const report = historyReport(
      memoryWith(
        {
          change: false,
          streak: { cls: 'warning', count: 2, since: '2024-01-02T00:00:00Z', lastSuccessAt: null },
          after: null,
          recovered: null,
          duration: null,
        },
        '2024-01-03T00:00:00Z',
      ),
    );
    expect(report?.lastSuccessAt).toBeNull();
    expect(report?.lines).toEqual(['2nd warning in a row — no success on record']);
  });
});
