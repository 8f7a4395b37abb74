import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogItem } from '../../../src/core/session-log.ts';
import {
  createSummaryBuilder,
  describeSteps,
  MAX_MESSAGE_KEPT,
  MAX_UNKNOWN_STATUS_ROWS,
  OTHER_STATUSES_LABEL,
  summarize,
} from '../../../src/core/summarize.ts';
import { MAX_PROBLEMS_KEPT, type Summary } from '../../../src/core/summary.ts';
import { formatDuration, parseTimestamp } from '../../../src/core/time.ts';
import { loadSessionLog } from '../../support/load-fixture.ts';

const step = (status: string, extra: Partial<LogItem> = {}): LogItem => ({ status, ...extra });

describe('summarize', () => {
  describe('with the documented session 38 (four successful steps)', () => {
    let summary: Summary;
    beforeEach(() => {
      summary = summarize('38', loadSessionLog('documented-38'));
    });

    it('counts four Success steps and calls the session a success', () => {
      expect(summary.totalSteps).toBe(4);
      expect(summary.counts).toEqual([{ status: 'Success', severity: 'success', count: 4 }]);
      expect(summary.worst).toBe('success');
      expect(summary.problems).toEqual([]);
      expect(summary.failedCount).toBe(0);
      expect(summary.warningCount).toBe(0);
    });

    it('runs from the earliest start to the last step end: 7m 38s', () => {
      expect(summary.startedAt).toBe('2020-02-05T10:43:57.039Z');
      // Last step: starts 10:51:33.646789 and lasts 00:00:01.4468860.
      expect(summary.endedAt).toBe('2020-02-05T10:51:35.092Z');
      expect(summary.durationMs).toBe(458_054);
      expect(formatDuration(summary.durationMs ?? Number.NaN)).toBe('7m 38s');
    });

    it('keeps the session ID it was asked for', () => {
      expect(summary.sessionId).toBe('38');
    });
  });

  describe('when steps failed and warned', () => {
    let summary: Summary;
    beforeEach(() => {
      summary = summarize('41', loadSessionLog('failed'));
    });

    it('treats both Error and Failed as failed, and the session as failed', () => {
      expect(summary.worst).toBe('failed');
      expect(summary.failedCount).toBe(2);
      expect(summary.warningCount).toBe(1);
    });

    it('counts each status, most frequent first, ties worst first', () => {
      expect(summary.counts).toEqual([
        { status: 'Success', severity: 'success', count: 2 },
        { status: 'Error', severity: 'failed', count: 1 },
        { status: 'Failed', severity: 'failed', count: 1 },
        { status: 'Warning', severity: 'warning', count: 1 },
      ]);
    });

    it('lists failed steps first, then warnings, each in log order with the message verbatim', () => {
      expect(summary.problems).toEqual([
        {
          severity: 'failed',
          status: 'Error',
          message: "Repository backup of 'tw-vm1' failed: storage account is unreachable",
          at: '2020-02-06T02:05:30.200Z',
        },
        {
          severity: 'failed',
          status: 'Failed',
          message: "Snapshot retention of 'tw-vm1' failed",
          at: '2020-02-06T02:06:30.300Z',
        },
        {
          severity: 'warning',
          status: 'Warning',
          message: "Snapshot of 'tw-vm1' took longer than expected",
          at: '2020-02-06T02:00:30.100Z',
        },
      ]);
    });

    it('uses a millisecond duration and falls back to logTime for a step without times', () => {
      expect(summary.startedAt).toBe('2020-02-06T02:00:00.000Z');
      expect(summary.endedAt).toBe('2020-02-06T02:06:32.400Z');
      expect(summary.durationMs).toBe(392_400);
    });
  });

  describe('when steps only warned', () => {
    let summary: Summary;
    beforeEach(() => {
      summary = summarize('42', loadSessionLog('warnings'));
    });

    it('counts RunningWithWarning and Warning as warnings', () => {
      expect(summary.worst).toBe('warning');
      expect(summary.warningCount).toBe(2);
      expect(summary.problems.map((p) => p.status)).toEqual(['RunningWithWarning', 'Warning']);
    });

    it('shows a null message as an empty string', () => {
      expect(summary.problems[1]?.message).toBe('');
    });

    it('measures the session to the end of its longest step', () => {
      expect(formatDuration(summary.durationMs ?? Number.NaN)).toBe('1h 5m');
    });
  });

  describe.each([
    ['an empty log', 'empty'],
    ['a null log', 'null-log'],
    ['a missing log', 'missing-log'],
  ])('with %s', (_name, fixture) => {
    it('reports no steps, no worst status and no times', () => {
      expect(summarize('43', loadSessionLog(fixture))).toEqual({
        sessionId: '43',
        totalSteps: 0,
        counts: [],
        worst: null,
        problems: [],
        failedCount: 0,
        warningCount: 0,
        durationMs: null,
        startedAt: null,
        endedAt: null,
      });
    });
  });

  describe('with no log object at all', () => {
    it('summarizes an empty log', () => {
      const summary = summarize('9', null);
      expect(summary.totalSteps).toBe(0);
      expect(summary.worst).toBeNull();
    });
  });

  describe('when statuses differ in case', () => {
    let summary: Summary;
    beforeEach(() => {
      summary = summarize('46', loadSessionLog('mixed-case-statuses'));
    });

    it('counts them under their canonical label', () => {
      expect(summary.counts).toEqual([
        { status: 'Success', severity: 'success', count: 2 },
        { status: 'Error', severity: 'failed', count: 1 },
        { status: 'Succeeded', severity: 'success', count: 1 },
      ]);
    });

    it('still recognises a lower-case error as a failure', () => {
      expect(summary.worst).toBe('failed');
      expect(summary.problems[0]).toMatchObject({ status: 'error', message: 'Step three failed' });
    });
  });

  describe('with a status nobody documented', () => {
    let summary: Summary;
    beforeEach(() => {
      summary = summarize('47', loadSessionLog('unknown-status'));
    });

    it('keeps its label, counts it case-insensitively and makes the outcome unknown', () => {
      expect(summary.counts).toEqual([
        { status: 'Quarantined', severity: 'unknown', count: 2 },
        { status: 'Success', severity: 'success', count: 1 },
      ]);
      expect(summary.worst).toBe('unknown');
    });

    it('does not list it as a problem step', () => {
      expect(summary.problems).toEqual([]);
    });
  });

  describe('when the session is still running', () => {
    const originalTz = process.env.TZ;
    afterEach(() => {
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    });

    it('reads timestamps without a zone as UTC and ends an open step at its logTime', () => {
      // A non-UTC local zone would shift zone-less timestamps if they were read as local time.
      process.env.TZ = 'America/New_York';
      const summary = summarize('48', loadSessionLog('running'));
      expect(summary.worst).toBe('running');
      expect(summary.startedAt).toBe('2020-02-10T03:00:00.123Z');
      expect(summary.endedAt).toBe('2020-02-10T03:20:00.000Z');
      expect(formatDuration(summary.durationMs ?? Number.NaN)).toBe('20m');
    });
  });

  describe('with odd step times', () => {
    it('ignores a negative duration instead of ending the step before it began', () => {
      const summary = summarize('1', {
        log: [step('Success', { executionStartTime: '2020-01-01T00:00:10Z', executionDuration: '-00:00:05' })],
      });
      expect(summary.durationMs).toBe(0);
      expect(summary.endedAt).toBe('2020-01-01T00:00:10.000Z');
    });

    it('ignores a duration that would end the step past the last representable date (found by fuzzing)', () => {
      const summary = summarize('1', {
        log: [
          step('Success', { executionStartTime: '1970-01-01T00:00:00.000Z', executionDuration: 8_640_000_000_000_001 }),
        ],
      });
      expect(summary.durationMs).toBe(0);
      expect(summary.endedAt).toBe('1970-01-01T00:00:00.000Z');
    });

    it('ignores a logTime earlier than the start when the duration is unparseable', () => {
      const summary = summarize('1', {
        log: [
          step('Success', {
            logTime: '2020-01-01T00:00:05Z',
            executionStartTime: '2020-01-01T00:00:10Z',
            executionDuration: 'garbage',
          }),
        ],
      });
      expect(summary.startedAt).toBe('2020-01-01T00:00:10.000Z');
      expect(summary.durationMs).toBe(0);
    });

    it('reports no duration when no step has a usable time', () => {
      const summary = summarize('1', { log: [step('Success', { logTime: 'yesterday' }), step('Error')] });
      expect(summary.durationMs).toBeNull();
      expect(summary.startedAt).toBeNull();
      expect(summary.problems[0]?.at).toBeNull();
    });
  });

  describe('worst severity', () => {
    it.each([
      [['Success', 'Running'], 'running'],
      [['Success', 'Pending', 'Canceled'], 'canceled'],
      [['Canceling', 'Whatever'], 'unknown'],
      [['Whatever', 'RunningWithWarning'], 'warning'],
      [['Warning', 'RunningWithError', 'Success'], 'failed'],
      [['NeverExecuted'], 'running'],
    ])('of %j is %s', (statuses, worst) => {
      expect(summarize('1', { log: statuses.map((s) => step(s)) }).worst).toBe(worst);
    });
  });
});

describe('createSummaryBuilder', () => {
  describe('with a 100,000-entry log streamed one entry at a time', () => {
    // Built once, by the first test that reads it (inside a test, so mutation testing credits it).
    let built: Summary | undefined;
    const big = (): Summary => {
      if (built !== undefined) return built;
      const builder = createSummaryBuilder('big');
      const huge = 'x'.repeat(1_000_000);
      for (let i = 0; i < 100_000; i++) {
        const status = i % 3 === 0 ? 'Error' : i % 3 === 1 ? 'Warning' : 'Success';
        builder.add({
          status,
          message: i === 0 ? huge : `step ${i}`,
          executionStartTime: new Date(Date.UTC(2020, 0, 1) + i * 1_000).toISOString(),
          executionDuration: '00:00:01',
        });
      }
      built = builder.finish('big');
      return built;
    };

    it('counts every entry', () => {
      expect(big().totalSteps).toBe(100_000);
      expect(big().failedCount).toBe(33_334);
      expect(big().warningCount).toBe(33_333);
      expect(big().counts.reduce((n, row) => n + row.count, 0)).toBe(100_000);
    });

    it(`keeps only the first ${MAX_PROBLEMS_KEPT} problems per severity, failed first`, () => {
      expect(big().problems).toHaveLength(2 * MAX_PROBLEMS_KEPT);
      expect(big().problems[0]?.severity).toBe('failed');
      expect(big().problems[MAX_PROBLEMS_KEPT]?.severity).toBe('warning');
      expect(big().problems[1]?.message).toBe('step 3');
    });

    it('cuts a kept 1 MB message to MAX_MESSAGE_KEPT characters', () => {
      expect(big().problems[0]?.message.length).toBe(MAX_MESSAGE_KEPT);
      expect(big().problems[0]?.message.endsWith('…')).toBe(true);
    });

    it('measures the whole session', () => {
      expect(big().durationMs).toBe(100_000_000);
    });
  });

  describe('with 10,000 distinct unknown statuses', () => {
    let summary: Summary;
    beforeEach(() => {
      const builder = createSummaryBuilder('junk');
      for (let i = 0; i < 10_000; i++) builder.add({ status: `Weird${i}` });
      builder.add({ status: 'Success' });
      builder.add({ status: 'error' });
      summary = builder.finish(null);
    });

    it(`keeps ${MAX_UNKNOWN_STATUS_ROWS} rows for them and counts the rest together`, () => {
      const other = summary.counts.find((row) => row.status === OTHER_STATUSES_LABEL);
      expect(other).toEqual({
        status: OTHER_STATUSES_LABEL,
        severity: 'unknown',
        count: 10_000 - MAX_UNKNOWN_STATUS_ROWS,
      });
      expect(summary.counts).toHaveLength(MAX_UNKNOWN_STATUS_ROWS + 3);
      expect(summary.counts.reduce((n, row) => n + row.count, 0)).toBe(10_002);
    });

    it('still gives known statuses their own rows', () => {
      expect(summary.counts).toContainEqual({ status: 'Error', severity: 'failed', count: 1 });
      expect(summary.worst).toBe('failed');
    });
  });

  it('gives the same summary as summarize for the same entries', () => {
    const log = loadSessionLog('failed');
    const builder = createSummaryBuilder('41');
    for (const item of log.log ?? []) builder.add(item);
    expect(builder.finish('41')).toEqual(summarize('41', log));
  });
});

describe('parseTimestamp', () => {
  it('honours an explicit offset', () => {
    expect(parseTimestamp('2020-02-05T12:00:00+02:00')).toBe(Date.UTC(2020, 1, 5, 10));
  });

  it('reads seven fraction digits to the millisecond', () => {
    expect(parseTimestamp('2020-02-05T10:43:57.0398456Z')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57, 39));
  });

  it('returns NaN for garbage, null and empty text', () => {
    expect(parseTimestamp('soon')).toBeNaN();
    expect(parseTimestamp(null)).toBeNaN();
    expect(parseTimestamp('')).toBeNaN();
  });
});

describe('describeSteps', () => {
  it('names the total and each status count', () => {
    expect(describeSteps(summarize('41', loadSessionLog('failed')), 200)).toBe(
      '5 steps: 2 Success, 1 Error, 1 Failed, 1 Warning',
    );
  });

  it('says "1 step" for one', () => {
    expect(describeSteps(summarize('1', { log: [step('Success')] }), 200)).toBe('1 step: 1 Success');
  });

  it('cuts a long list with "…and N more statuses" within the limit', () => {
    const summary = summarize('1', { log: Array.from({ length: 150 }, (_, i) => step(`Odd${i}`)) });
    const text = describeSteps(summary, 120);
    expect(text.length).toBeLessThanOrEqual(120);
    expect(text).toMatch(/^150 steps: 1 Odd0, 1 Odd1, .*…and \d+ more statuses$/);
  });
});
