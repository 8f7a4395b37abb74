import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatRatio,
  formatSpan,
  openLine,
  ordinal,
  resolvedLine,
} from '../../../src/core/history/lines.ts';
import { normalizeSessionId } from '../../../src/core/session-id.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatSpan', () => {
  it.each([
    [MINUTE - 1, 'under a minute'],
    [MINUTE, '1 min'],
    [HOUR - 1, '59 min'],
    [HOUR, '1 h'],
    [HOUR + 10 * MINUTE, '1 h 10 min'],
    [DAY - 1, '23 h 59 min'],
    [DAY, '1 day'],
    [DAY + 5 * HOUR, '1 day 5 h'],
    [2 * DAY + 6 * HOUR + 59 * MINUTE, '2 days 6 h'],
  ])('says %d ms as %j', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});

describe('formatAgo', () => {
  it.each([
    [MINUTE - 1, 'just before'],
    [MINUTE, '1 min ago'],
    [HOUR - 1, '59 min ago'],
    [HOUR, '1 h ago'],
    [DAY - 1, '23 h ago'],
    [DAY, '1 day ago'],
    [3 * DAY + HOUR, '3 days ago'],
  ])('says %d ms ago as %j', (ms, text) => {
    expect(formatAgo(ms)).toBe(text);
  });
});

describe('ordinal and formatRatio', () => {
  it('writes English ordinals, the teens with "th"', () => {
    expect([1, 2, 3, 4, 10, 11, 12, 13, 14, 21, 22, 23, 101, 111, 112].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '10th',
      '11th',
      '12th',
      '13th',
      '14th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
      '112th',
    ]);
  });

  it('writes a ratio from 1 up with one decimal and one under 1 with two significant digits', () => {
    expect([1, 4.14, 0.999, 0.123, 0.5].map(formatRatio)).toEqual(['1.0', '4.1', '1', '0.12', '0.5']);
  });
});

describe('Slack thread lines', () => {
  const local = (iso: string) => `<${iso}>`;

  it('says since when for one run and how many runs for more', () => {
    expect(openLine({ ts: null, since: 'T0', runs: 1 }, local)).toBe('Failing since <T0>');
    expect(openLine({ ts: '1.1', since: 'T0', runs: 3 }, local)).toBe('Failing for 3 runs since <T0>');
  });

  it('names what was recovered from, singular or plural, and for how long', () => {
    const recovered = { since: 'T0', threadTs: null, durationMs: 2 * DAY + 6 * HOUR };
    expect(resolvedLine({ ...recovered, cls: 'failure', runs: 2 })).toBe(
      '✅ Resolved — recovered after 2 failures (2 days 6 h)',
    );
    expect(resolvedLine({ ...recovered, cls: 'warning', runs: 1 })).toBe(
      '✅ Resolved — recovered after 1 warning (2 days 6 h)',
    );
    expect(resolvedLine({ ...recovered, cls: 'problem', runs: 3 })).toBe(
      '✅ Resolved — recovered after 3 failed or warning runs (2 days 6 h)',
    );
  });
});

describe('normalizeSessionId', () => {
  it('keeps integer IDs of 1 to 19 digits without their leading zeros, and "0" as itself', () => {
    expect(normalizeSessionId('38')).toBe('38');
    expect(normalizeSessionId('0038')).toBe('38');
    expect(normalizeSessionId('000')).toBe('0');
    expect(normalizeSessionId('1234567890123456789')).toBe('1234567890123456789');
    expect(normalizeSessionId('12345678901234567890')).toBeNull();
  });

  it('refuses text around an integer or a UUID, and anything that is neither', () => {
    expect(normalizeSessionId('38x')).toBeNull();
    expect(normalizeSessionId('x38')).toBeNull();
    expect(normalizeSessionId('')).toBeNull();
    expect(normalizeSessionId('../38')).toBeNull();
    expect(normalizeSessionId('0B1E5A01-0000-4000-8000-000000000001/')).toBeNull();
    expect(normalizeSessionId('/0b1e5a01-0000-4000-8000-000000000001')).toBeNull();
  });

  it('lower-cases a UUID', () => {
    expect(normalizeSessionId('0B1E5A01-0000-4000-8000-00000000000A')).toBe('0b1e5a01-0000-4000-8000-00000000000a');
  });

  it('takes a safe non-negative integer number, zero included, and nothing else', () => {
    expect(normalizeSessionId(0)).toBe('0');
    expect(normalizeSessionId(38)).toBe('38');
    expect(normalizeSessionId(-1)).toBeNull();
    expect(normalizeSessionId(1.5)).toBeNull();
    expect(normalizeSessionId(2 ** 53)).toBeNull();
    expect(normalizeSessionId(null)).toBeNull();
    expect(normalizeSessionId({ id: 38 })).toBeNull();
  });
});
