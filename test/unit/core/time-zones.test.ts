import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasZone, isoSeconds, parseTimeSpan, parseTimestamp } from '../../../src/core/time.ts';

// The zone rule itself, independent of the machine's zone (a worker thread cannot change its zone).
describe('hasZone', () => {
  it('finds Z, z, + or - after the date part, and calls a date alone zoned (UTC)', () => {
    expect(hasZone('2020-02-05T10:43:57')).toBe(false);
    expect(hasZone('2020-02-05T10:43:57.1234567')).toBe(false);
    expect(hasZone('2020-02-05 10:43')).toBe(false);
    expect(hasZone('2020-02-05T10:43:57Z')).toBe(true);
    expect(hasZone('2020-02-05T10:43:57z')).toBe(true);
    expect(hasZone('2020-02-05T10:43:57+02:00')).toBe(true);
    expect(hasZone('2020-02-05T10:43:57-0500')).toBe(true);
    expect(hasZone('2020-02-05')).toBe(true);
    expect(hasZone('2020-02-05Z')).toBe(true);
  });

  it("ignores the date part's hyphens, even right after it", () => {
    expect(hasZone('2020-02-05-')).toBe(true);
    expect(hasZone('2020-02-05x')).toBe(false);
    expect(hasZone('2020-02-0512')).toBe(false);
  });
});

// Node re-reads TZ when it changes: a zone-less time must read as UTC on a machine set to any zone.
describe('parseTimestamp on a machine outside UTC', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('reads a date-time without a zone as UTC, not as the local time', () => {
    expect(parseTimestamp('2020-02-05T10:43:57')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57));
    expect(parseTimestamp('2020-02-05T10:43:57.0391234')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57, 39));
    expect(isoSeconds('2020-02-05T10:43:57')).toBe('2020-02-05T10:43:57Z');
  });

  it('keeps the zone a timestamp names: Z, z, +hh:mm and -hhmm', () => {
    expect(parseTimestamp('2020-02-05T10:43:57Z')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57));
    expect(parseTimestamp('2020-02-05T10:43:57z')).toBe(Date.UTC(2020, 1, 5, 10, 43, 57));
    expect(parseTimestamp('2020-02-05T10:43:57+02:00')).toBe(Date.UTC(2020, 1, 5, 8, 43, 57));
    expect(parseTimestamp('2020-02-05T10:43:57-0500')).toBe(Date.UTC(2020, 1, 5, 15, 43, 57));
  });

  it('reads a date alone as midnight UTC', () => {
    expect(parseTimestamp('2020-02-05')).toBe(Date.UTC(2020, 1, 5));
  });

  it('gives NaN for nothing at all', () => {
    expect(parseTimestamp('')).toBeNaN();
    expect(parseTimestamp(null)).toBeNaN();
    expect(parseTimestamp(undefined)).toBeNaN();
  });
});

describe('parseTimeSpan edges', () => {
  it('refuses three-digit hours after days, and accepts one or two', () => {
    expect(parseTimeSpan('1.005:00:00')).toBeNull();
    expect(parseTimeSpan('1.5:00:00')).toBe(29 * 3_600_000);
    expect(parseTimeSpan('1.05:00:00')).toBe(29 * 3_600_000);
    expect(parseTimeSpan('1.:00:00')).toBeNull();
  });

  it('reads multi-digit hours after days as tens and units', () => {
    expect(parseTimeSpan('0.23:00:00')).toBe(23 * 3_600_000);
    expect(parseTimeSpan('0.24:00:00')).toBeNull();
  });

  it('refuses nine or more leading digits, and an empty string', () => {
    expect(parseTimeSpan('123456789.00:00:00')).toBeNull();
    expect(parseTimeSpan('')).toBeNull();
    expect(parseTimeSpan('-')).toBeNull();
    expect(parseTimeSpan(':00:00')).toBeNull();
    expect(parseTimeSpan('.05:00:00')).toBeNull();
  });

  it('trims a value padded with a tab or a newline on either side', () => {
    expect(parseTimeSpan('\t00:00:01')).toBe(1000);
    expect(parseTimeSpan('00:00:01\n')).toBe(1000);
    expect(parseTimeSpan(' 00:00:01 ')).toBe(1000);
  });
});
