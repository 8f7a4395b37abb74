import { describe, expect, it } from 'vitest';
import { describeObjects, MAX_OBJECT_NAMES_KEPT, summarizeObjects } from '../../../src/core/objects.ts';

describe('summarizeObjects', () => {
  it('names a blank object "(unnamed)" and trims the others', () => {
    const results = summarizeObjects(
      [
        { name: '   ', status: 'Failed' },
        { name: ' db-01 ', status: 'Failed' },
      ],
      'machines',
    );
    expect(results.failed).toEqual(['(unnamed)', 'db-01']);
  });

  it(`keeps the first ${MAX_OBJECT_NAMES_KEPT} warning names and counts them all`, () => {
    const items = Array.from({ length: MAX_OBJECT_NAMES_KEPT + 1 }, (_, i) => ({ name: `vm-${i}`, status: 'Warning' }));
    const results = summarizeObjects(items, 'machines');
    expect(results.warningCount).toBe(MAX_OBJECT_NAMES_KEPT + 1);
    expect(results.warnings).toHaveLength(MAX_OBJECT_NAMES_KEPT);
    expect(results.warnings.at(-1)).toBe(`vm-${MAX_OBJECT_NAMES_KEPT - 1}`);
  });

  it("takes the appliance's total when it is larger than the objects listed, and the count listed when it is smaller", () => {
    const items = [{ name: 'a', status: 'Success' }];
    expect(summarizeObjects(items, 'machines', 40).total).toBe(40);
    expect(summarizeObjects(items, 'machines', 0).total).toBe(1);
    expect(summarizeObjects(items, 'machines').total).toBe(1);
  });
});

describe('describeObjects', () => {
  const results = (failed: string[], warnings: string[], total = 40) => ({
    noun: 'machines',
    total,
    failedCount: failed.length,
    warningCount: warnings.length,
    failed,
    warnings,
  });

  it('says how many of all had warnings when none failed', () => {
    expect(describeObjects(results([], ['web-03', 'web-04']), 500)).toBe(
      '2 of 40 machines had warnings: web-03, web-04',
    );
  });

  it('says "1 machine succeeded" for a single clean object', () => {
    expect(describeObjects(results([], [], 1), 500)).toBe('1 machine succeeded');
  });

  it('lists names up to the budget and ends with "…" when more were counted than listed', () => {
    const counted = { ...results(['a', 'b'], []), failedCount: 5 };
    expect(describeObjects(counted, 500)).toBe('5 of 40 machines failed: a, b, …');
  });

  it('fits names while the list stays three characters under the budget, and cuts before the one that does not', () => {
    // max 60, one kind: budget 30; "n01, n02, …" grows by 5 per name.
    const list = Array.from({ length: 10 }, (_, i) => `n0${i}`);
    const text = describeObjects(results(list, []), 60);
    expect(text).toBe('10 of 40 machines failed: n00, n01, n02, n03, n04, …');
    // Exactly 27 characters of names fit a budget of 30.
    const exact = describeObjects(results(['abcdefg', 'n01', 'n02', 'n03', 'n04', 'n05'], []), 60);
    expect(exact).toBe('6 of 40 machines failed: abcdefg, n01, n02, n03, n04, …');
  });

  it('halves the name budget when both failures and warnings are listed', () => {
    const list = Array.from({ length: 10 }, (_, i) => `n0${i}`);
    const text = describeObjects(results(list, list), 120);
    expect(text).toBe(
      '10 of 40 machines failed: n00, n01, n02, n03, n04, …; 10 with warnings: n00, n01, n02, n03, n04, …',
    );
  });

  it('cuts a single name longer than the budget instead of dropping it', () => {
    const text = describeObjects(results(['x'.repeat(100)], []), 60);
    expect(text).toBe(`1 of 40 machines failed: ${'x'.repeat(29)}…`);
  });
});
