import { describe, expect, it } from 'vitest';
import { durationFact, median, sparkline } from '../../../src/core/history/baseline.ts';
import type { Run } from '../../../src/core/history/model.ts';
import { truncate } from '../../../src/core/render/escape.ts';
import { reportedFailure } from '../../../src/core/vocabulary.ts';

describe('reportedFailure', () => {
  it('reports a refused login as auth-failed, names the permanent failures, and leaves the transient ones to retry', () => {
    expect(reportedFailure('unauthorized')).toBe('auth-failed');
    expect(reportedFailure('not-found')).toBe('not-found');
    expect(reportedFailure('too-large')).toBe('too-large');
    expect(reportedFailure('unavailable')).toBeUndefined();
    expect(reportedFailure('timeout')).toBeUndefined();
    expect(reportedFailure('budget-exhausted')).toBeUndefined();
  });
});

describe('truncate', () => {
  it('leaves only the ellipsis for a limit of one, and nothing for zero', () => {
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('never leaves half a surrogate pair, at either end of the high-surrogate range', () => {
    expect(truncate('a\ud800\udc00bcd', 3)).toBe('a…');
    expect(truncate('a\udbff\udfffbcd', 3)).toBe('a…');
    expect(truncate('a\ud7ffbcd', 3)).toBe('a\ud7ff…');
    expect(truncate('a\uff01bcd', 3)).toBe('a\uff01…');
  });
});

const run = (cls: Run['cls'], durationMs: number | null): Run => ({
  sessionId: 'x',
  cls,
  durationMs,
  endedAt: '2026-11-30T00:00:00Z',
  facts: null,
});

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middle values of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('durationFact', () => {
  const options = { factor: 3, minRuns: 2 };
  const earlier = [run('success', 100), run('success', 100), run('failure', 5_000), run('success', null)];

  it('compares only with successful runs that have a duration', () => {
    expect(durationFact(150, earlier, options)).toEqual({
      ms: 150,
      medianMs: 100,
      runs: 2,
      ratio: 1.5,
      unusual: false,
    });
  });

  it('calls a run unusual at exactly the factor, or exactly its inverse', () => {
    const four = { factor: 4, minRuns: 2 };
    expect(durationFact(400, earlier, four)?.unusual).toBe(true);
    expect(durationFact(399, earlier, four)?.unusual).toBe(false);
    expect(durationFact(25, earlier, four)?.unusual).toBe(true);
    expect(durationFact(26, earlier, four)?.unusual).toBe(false);
  });

  it('says nothing without a duration, with too few earlier runs, or with a zero median', () => {
    expect(durationFact(null, earlier, options)).toBeNull();
    expect(durationFact(100, earlier, { factor: 3, minRuns: 3 })).toBeNull();
    expect(durationFact(100, [run('success', 0), run('success', 0)], options)).toBeNull();
  });
});

describe('sparkline', () => {
  it('draws nothing without any known duration, and a space for each unknown one', () => {
    expect(sparkline([])).toBe('');
    expect(sparkline([null, null])).toBe('');
    expect(sparkline([1, null, 8])).toBe('▁ █');
    expect(sparkline([5, 5])).toBe('▁▁');
  });
});
