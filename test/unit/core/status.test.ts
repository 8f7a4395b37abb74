import { describe, expect, it } from 'vitest';
import { describeOutcome, normalizeStatus, severityRank, worseOf, worstOf } from '../../../src/core/status.ts';
import { SEVERITY_ORDER } from '../../../src/core/summary.ts';

describe('normalizeStatus', () => {
  describe('with every VBAzure JobStatus value', () => {
    it.each([
      ['Success', 'success'],
      ['Warning', 'warning'],
      ['Error', 'failed'],
      ['Running', 'running'],
      ['RunningWithWarning', 'warning'],
      ['RunningWithError', 'failed'],
      ['Canceled', 'canceled'],
      ['Canceling', 'canceled'],
      ['Pending', 'running'],
      ['NeverExecuted', 'running'],
      ['Unknown', 'unknown'],
    ] as const)('maps %s to severity %s and keeps its canonical label', (status, severity) => {
      expect(normalizeStatus(status)).toEqual({ status, severity });
    });
  });

  describe('with sibling-product spellings', () => {
    it.each([
      ['Failed', 'failed'],
      ['Succeeded', 'success'],
      ['Cancelled', 'canceled'],
    ] as const)('maps %s to severity %s', (status, severity) => {
      expect(normalizeStatus(status)).toEqual({ status, severity });
    });
  });

  describe('when the case or surrounding spaces differ', () => {
    it('returns the canonical label', () => {
      expect(normalizeStatus('SUCCESS')).toEqual({ status: 'Success', severity: 'success' });
      expect(normalizeStatus('error')).toEqual({ status: 'Error', severity: 'failed' });
      expect(normalizeStatus('  runningwithwarning ')).toEqual({ status: 'RunningWithWarning', severity: 'warning' });
    });
  });

  describe('with a status nobody documented', () => {
    it('keeps the label verbatim (trimmed) with severity unknown', () => {
      expect(normalizeStatus('  Quarantined ')).toEqual({ status: 'Quarantined', severity: 'unknown' });
    });

    it('calls an empty status Unknown', () => {
      expect(normalizeStatus('   ')).toEqual({ status: 'Unknown', severity: 'unknown' });
    });
  });
});

describe('worseOf', () => {
  it('picks the severity earlier in SEVERITY_ORDER', () => {
    expect(worseOf('success', 'failed')).toBe('failed');
    expect(worseOf('warning', 'unknown')).toBe('warning');
    expect(worseOf('canceled', 'unknown')).toBe('unknown');
    expect(worseOf('running', 'canceled')).toBe('canceled');
  });

  it('treats null as nothing seen yet', () => {
    expect(worseOf(null, 'success')).toBe('success');
    expect(worseOf('running', null)).toBe('running');
    expect(worseOf(null, null)).toBeNull();
  });
});

describe('worstOf', () => {
  it('ranks failed > warning > unknown > canceled > running > success', () => {
    expect(worstOf(['success', 'running'])).toBe('running');
    expect(worstOf(['success', 'running', 'canceled'])).toBe('canceled');
    expect(worstOf(['canceled', 'unknown', 'success'])).toBe('unknown');
    expect(worstOf(['unknown', 'warning'])).toBe('warning');
    expect(worstOf(['warning', 'failed', 'success'])).toBe('failed');
  });

  it('returns null for no severities', () => {
    expect(worstOf([])).toBeNull();
  });
});

describe('severityRank', () => {
  it('numbers severities worst first', () => {
    expect(SEVERITY_ORDER.map(severityRank)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('describeOutcome', () => {
  it('names each severity with an emoji and words', () => {
    expect(describeOutcome('failed')).toEqual({ emoji: '❌', words: 'Failed' });
    expect(describeOutcome('warning')).toEqual({ emoji: '⚠️', words: 'Finished with warnings' });
    expect(describeOutcome('unknown')).toEqual({ emoji: '❔', words: 'Unknown status' });
    expect(describeOutcome('canceled')).toEqual({ emoji: '⏹️', words: 'Canceled' });
    expect(describeOutcome('running')).toEqual({ emoji: '⏳', words: 'Still running' });
    expect(describeOutcome('success')).toEqual({ emoji: '✅', words: 'Succeeded' });
  });

  it('says there were no log entries when nothing was seen', () => {
    expect(describeOutcome(null)).toEqual({ emoji: '📭', words: 'No log entries' });
  });
});
