import { describe, expect, it } from 'vitest';
import { formatDuration, formatUtcTime, parseDuration, parseTimeSpan } from '../../../src/core/time.ts';

describe('parseDuration', () => {
  describe('with a .NET TimeSpan "c" string', () => {
    it('reads the seven-digit tick fraction', () => {
      expect(parseDuration('00:02:33.8496840')).toBeCloseTo(153_849.684, 6);
    });

    it('reads days and right-pads a short fraction', () => {
      expect(parseDuration('1.02:03:04.5')).toBe(93_784_500);
    });

    it('reads a value without a fraction', () => {
      expect(parseDuration('00:00:05')).toBe(5_000);
    });

    it('reads a negative value as negative milliseconds', () => {
      expect(parseDuration('-00:00:01')).toBe(-1_000);
    });

    it('accepts single-digit hours and surrounding spaces', () => {
      expect(parseDuration(' 1:02:03 ')).toBe(3_723_000);
    });

    it('reads one tick as 0.0001 ms', () => {
      expect(parseDuration('00:00:00.0000001')).toBeCloseTo(0.0001, 10);
    });
  });

  describe('with a number', () => {
    it('takes it as milliseconds', () => {
      expect(parseDuration(12_345)).toBe(12_345);
    });

    it('returns null for NaN and infinities', () => {
      expect(parseDuration(Number.NaN)).toBeNull();
      expect(parseDuration(Number.POSITIVE_INFINITY)).toBeNull();
    });
  });

  describe('with garbage', () => {
    it.each([
      'garbage',
      '',
      '-',
      '5',
      '12345',
      '24:00:00',
      '00:60:00',
      '00:00:60',
      '00:0:00',
      '00:00:00.',
      '00:00:00.12345678',
      '00:00:00Z',
      '1.:00:00',
      '123:00:00',
      '99999999.00:00:00',
      'PT5M',
    ])('returns null for %j without throwing', (value) => {
      expect(parseDuration(value)).toBeNull();
    });

    it('returns null for null and undefined', () => {
      expect(parseDuration(null)).toBeNull();
      expect(parseDuration(undefined)).toBeNull();
    });
  });
});

describe('parseTimeSpan', () => {
  it('reads the largest TimeSpan .NET can hold', () => {
    expect(parseTimeSpan('10675199.02:48:05.4775807')).toBeCloseTo(922_337_203_685_477, -1);
  });
});

describe('formatDuration', () => {
  describe('for the documented session 38', () => {
    it('reads 7m 38s', () => {
      expect(formatDuration(458_054)).toBe('7m 38s');
    });
  });

  it.each([
    [0, '0s'],
    [499, '0s'],
    [500, '1s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [3_900_000, '1h 5m'],
    [3_605_000, '1h 5s'],
    [93_784_500, '1d 2h 3m'],
    [86_400_000 + 180_000 + 9_000, '1d 3m'],
    [172_800_000, '2d'],
    [59_600, '1m'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('keeps at most three units counted from the largest non-zero one', () => {
    expect(formatDuration(((1 * 24 + 2) * 60 + 3) * 60_000 + 4_000)).toBe('1d 2h 3m');
  });

  it('marks negative durations with a minus sign', () => {
    expect(formatDuration(-61_000)).toBe('-1m 1s');
  });

  it('says unknown for a non-finite value', () => {
    expect(formatDuration(Number.NaN)).toBe('unknown');
  });
});

describe('formatUtcTime', () => {
  it('shows an ISO time to the second with its zone', () => {
    expect(formatUtcTime('2020-02-05T10:43:57.039Z')).toBe('2020-02-05 10:43:57 UTC');
  });
});
