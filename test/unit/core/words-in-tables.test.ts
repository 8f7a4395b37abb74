import { describe, expect, it } from 'vitest';
import { memoryLines } from '../../../src/core/history/lines.ts';
import { EMPTY_HISTORY } from '../../../src/core/history/model.ts';
import { type FinishedRun, memoryOf, recordRun } from '../../../src/core/history/record.ts';
import { escapeTeamsText } from '../../../src/core/render/escape.ts';
import { normalizeStatus } from '../../../src/core/status.ts';
import { MAX_UNKNOWN_STATUS_ROWS, summarize } from '../../../src/core/summarize.ts';

/** Records one run a day with the given classes and returns the memory lines each message would carry. */
function linesOf(classes: readonly FinishedRun['cls'][]): string[][] {
  let history = EMPTY_HISTORY;
  return classes.map((cls, n) => {
    const endedAt = new Date(Date.UTC(2026, 10, 24 + n, 1, 0)).toISOString();
    const recorded = recordRun(
      history,
      { sessionId: `s${n}`, cls, durationMs: 60_000, endedAt },
      { factor: 3, minRuns: 3 },
    );
    history = recorded.history;
    return memoryLines(memoryOf({ appliance: 'default', policy: 'Nightly' }, history, recorded.run), (iso) => iso);
  });
}

describe('the words a message says from memory', () => {
  it('says "1 success" for a single success before the first warning', () => {
    expect(linesOf(['success', 'warning'])[1]).toEqual(['first warning after 1 success']);
  });

  it('says "2 warnings" for the warnings before the first failure, and when they end', () => {
    expect(linesOf(['warning', 'warning', 'failure'])[2]).toEqual(['first failure after 2 warnings']);
    expect(linesOf(['warning', 'warning', 'success'])[2]).toEqual(['✅ Recovered after 2 warnings (2 days)']);
  });
});

describe('Teams text starting with a numbered-list marker', () => {
  it.each([
    ['12. foo', '12\\. foo'],
    ['305) restore point', '305\\) restore point'],
    ['  10. indented', '  10\\. indented'],
  ])('escapes the marker of a multi-digit number in %j', (input, output) => {
    expect(escapeTeamsText(input)).toBe(output);
  });
});

describe('log statuses the summary knows', () => {
  it.each([
    ['SUCCEEDED', 'Succeeded', 'success'],
    ['runningwithwarning', 'RunningWithWarning', 'warning'],
    ['cancelled', 'Cancelled', 'canceled'],
    ['info', 'Info', 'success'],
  ])('reads %j as the canonical %j with severity %j', (raw, status, severity) => {
    expect(normalizeStatus(raw)).toEqual({ status, severity });
  });
});

describe('unrecognised statuses past the per-status rows', () => {
  it('share one row that says "Other unrecognised statuses"', () => {
    const junk = Array.from({ length: MAX_UNKNOWN_STATUS_ROWS + 3 }, (_, i) => ({ status: `junk-${i}` }));
    const summary = summarize('1', { log: junk });
    expect(summary.counts.filter((row) => !row.status.startsWith('junk-'))).toEqual([
      {
        status: 'Other unrecognised statuses',
        count: 3,
        severity: 'unknown',
      },
    ]);
  });
});
