import { describe, expect, it } from 'vitest';
import { isLogItem, LogItemSchema } from '../../../src/core/session-log.ts';

const valid = { status: 'Success', logTime: '2024-01-01T00:00:00Z', message: 'ok', executionDuration: '00:00:01' };

describe('isLogItem', () => {
  it('accepts an entry with a status and text or nothing in each optional field', () => {
    expect(isLogItem(valid)).toBe(true);
    expect(isLogItem({ status: 'Success' })).toBe(true);
    expect(
      isLogItem({
        status: '',
        logTime: null,
        message: null,
        resourceHashId: null,
        executionStartTime: null,
        executionDuration: null,
      }),
    ).toBe(true);
    expect(isLogItem({ ...valid, executionDuration: 1234 })).toBe(true);
  });

  it('refuses a non-object, null, an array, or a missing or non-text status', () => {
    for (const value of ['x', 1, null, undefined, [valid], {}, { status: 1 }, { status: null }]) {
      expect(isLogItem(value), JSON.stringify(value)).toBe(false);
    }
  });

  it.each(['logTime', 'message', 'resourceHashId', 'executionStartTime'])('refuses a %s that is not text', (field) => {
    expect(isLogItem({ ...valid, [field]: 5 })).toBe(false);
    expect(isLogItem({ ...valid, [field]: {} })).toBe(false);
  });

  it('refuses a duration that is neither text nor a finite number', () => {
    for (const duration of [Number.NaN, Number.POSITIVE_INFINITY, true, {}, []]) {
      expect(isLogItem({ ...valid, executionDuration: duration })).toBe(false);
    }
  });

  it('agrees with the schema on each of these entries', () => {
    const entries = [
      valid,
      { status: 'x', message: 5 },
      { status: 'x', executionDuration: Number.NaN },
      { status: 'x', resourceHashId: 'abc' },
      { logTime: 'x' },
    ];
    for (const entry of entries) expect(isLogItem(entry)).toBe(LogItemSchema.safeParse(entry).success);
  });
});
