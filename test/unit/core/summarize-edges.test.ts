import { describe, expect, it } from 'vitest';
import {
  describeSteps,
  MAX_UNKNOWN_STATUS_ROWS,
  OTHER_STATUSES_LABEL,
  summarize,
} from '../../../src/core/summarize.ts';
import { MAX_PROBLEMS_KEPT } from '../../../src/core/summary.ts';

const steps = (statuses: string[]) => summarize('1', { log: statuses.map((status) => ({ status })) });
const SIX = () => steps(['Success', 'Success', 'Success', 'Warning', 'Warning', 'Error']);

describe('describeSteps', () => {
  it('lists every status when the whole line fits exactly', () => {
    expect(describeSteps(SIX(), 38)).toBe('6 steps: 3 Success, 2 Warning, 1 Error');
  });

  it('keeps as many statuses as fit with the "…and N more" ending, at exactly the limit', () => {
    const summary = steps(['Success', 'Success', 'Success', 'Warning', 'Warning', 'Error: a status with a long name']);
    expect(describeSteps(summary, 40)).toBe('6 steps: 3 Success, …and 2 more statuses');
    expect(describeSteps(summary, 39)).toBe('6 steps: …and 3 more statuses');
    expect(describeSteps(SIX(), 37)).toBe('6 steps: …and 3 more statuses');
  });

  it('says "status" for one left out, and keeps the statuses before it when the ending fits exactly', () => {
    const summary = steps(['Success', 'Success', 'Warning', 'Error: a status with a long name']);
    // "4 steps: 2 Success, 1 Warning, …and 1 more status" is 49 characters.
    expect(describeSteps(summary, 49)).toBe('4 steps: 2 Success, 1 Warning, …and 1 more status');
    expect(describeSteps(summary, 48)).toBe('4 steps: 2 Success, …and 2 more statuses');
  });

  it('cuts even the ending when the limit is smaller than it', () => {
    expect(describeSteps(SIX(), 10)).toBe('6 steps: …');
  });

  it('says "1 step" and "0 steps"', () => {
    expect(describeSteps(steps(['Success']), 100)).toBe('1 step: 1 Success');
    expect(describeSteps(steps([]), 100)).toBe('0 steps');
  });
});

describe('summarize', () => {
  it(`keeps the first ${MAX_PROBLEMS_KEPT} failures and the first ${MAX_PROBLEMS_KEPT} warnings, counting all`, () => {
    const log = [
      ...Array.from({ length: MAX_PROBLEMS_KEPT + 1 }, (_, i) => ({ status: 'Error', message: `e${i}` })),
      ...Array.from({ length: MAX_PROBLEMS_KEPT + 1 }, (_, i) => ({ status: 'Warning', message: `w${i}` })),
    ];
    const summary = summarize('1', { log });
    expect(summary.failedCount).toBe(MAX_PROBLEMS_KEPT + 1);
    expect(summary.warningCount).toBe(MAX_PROBLEMS_KEPT + 1);
    expect(
      summary.problems
        .filter((p) => p.severity === 'failed')
        .map((p) => p.message)
        .at(-1),
    ).toBe(`e${MAX_PROBLEMS_KEPT - 1}`);
    expect(summary.problems.filter((p) => p.severity === 'warning')).toHaveLength(MAX_PROBLEMS_KEPT);
  });

  it('orders equal counts worst first, then by first appearance', () => {
    const summary = steps(['Success', 'Mystery', 'Error', 'Enigma', 'Warning']);
    expect(summary.counts.map((c) => c.status)).toEqual(['Error', 'Warning', 'Mystery', 'Enigma', 'Success']);
  });

  it('trims the status a problem step shows', () => {
    expect(steps([' Error ']).problems[0]?.status).toBe('Error');
  });

  it(`gives the first ${MAX_UNKNOWN_STATUS_ROWS} unrecognised statuses a row each and the rest one shared row, never counting known ones`, () => {
    const junk = Array.from({ length: MAX_UNKNOWN_STATUS_ROWS + 2 }, (_, i) => `junk-${i}`);
    const summary = steps(['Success', 'Unknown', ...junk]);
    const rows = summary.counts.map((c) => c.status);
    expect(rows).toContain('Success');
    expect(rows).toContain('Unknown');
    expect(rows).toContain(`junk-${MAX_UNKNOWN_STATUS_ROWS - 1}`);
    expect(rows).not.toContain(`junk-${MAX_UNKNOWN_STATUS_ROWS}`);
    expect(summary.counts.find((c) => c.status === OTHER_STATUSES_LABEL)?.count).toBe(2);
    expect(summary.counts).toHaveLength(MAX_UNKNOWN_STATUS_ROWS + 3);
  });

  it('keeps a step that ends exactly at the last representable time, and ignores one past it', () => {
    const start = '+275760-09-12T00:00:00.000Z';
    const startMs = Date.parse(start);
    const ends = (duration: string) =>
      summarize('1', { log: [{ status: 'Success', executionStartTime: start, executionDuration: duration }] }).endedAt;
    expect(startMs + 24 * 3_600_000).toBe(8.64e15);
    expect(ends('1.00:00:00')).toBe('+275760-09-13T00:00:00.000Z');
    expect(ends('1.00:00:00.001')).toBe(start);
  });
});
