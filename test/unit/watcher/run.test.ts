import { describe, expect, it } from 'vitest';
import { listAllSessions, type SessionLister } from '../../../src/appliance/list-sessions.ts';
import type { JobSessionQuery } from '../../../src/core/job-session.ts';
import { deadlineIn } from '../../../src/deadline.ts';
import { DeliveryError } from '../../../src/errors.ts';
import { createPacer } from '../../../src/watcher/posters.ts';
import { createMemoryStateStore } from '../../../src/watcher/state-store.ts';

/** A lister over `total` sessions that serves at most `cap` per page and may leave out totalCount. */
function fakeLister(total: number, cap: number, withTotal: boolean): SessionLister & { queries: JobSessionQuery[] } {
  const queries: JobSessionQuery[] = [];
  return {
    queries,
    async listSessions(query) {
      queries.push(query);
      const offset = query.Offset ?? 0;
      const served = Math.min(query.Limit ?? 100, cap);
      const results = Array.from({ length: Math.max(0, Math.min(served, total - offset)) }, (_, i) => ({
        id: String(offset + i),
        status: 'Success',
      }));
      return { offset, limit: served, ...(withTotal ? { totalCount: total } : {}), results };
    },
  };
}

describe('listAllSessions', () => {
  it('pages by the returned results until totalCount, even when every page is shorter than Limit', async () => {
    const lister = fakeLister(7, 3, true);
    const { sessions, pages } = await listAllSessions(
      lister,
      { FromUtc: '2026-11-25T00:00:00Z' },
      5,
      deadlineIn(5_000),
    );
    expect(sessions.map((s) => s.id)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(pages).toBe(3);
    expect(lister.queries.map((q) => [q.Offset, q.Limit, q.FromUtc])).toEqual([
      [0, 5, '2026-11-25T00:00:00Z'],
      [3, 5, '2026-11-25T00:00:00Z'],
      [6, 5, '2026-11-25T00:00:00Z'],
    ]);
  });

  it('without totalCount, keeps going after a short page until a page comes back empty', async () => {
    const lister = fakeLister(7, 3, false);
    const { sessions, pages } = await listAllSessions(lister, {}, 5, deadlineIn(5_000));
    expect(sessions).toHaveLength(7);
    expect(pages).toBe(4);
  });
});

describe('createMemoryStateStore', () => {
  it('lets one run claim a session; another run sees it busy, then done; an expired claim can be retaken', async () => {
    const store = createMemoryStateStore();
    expect(await store.claim('77', 1_000, 500)).toBe('claimed');
    expect(await store.claim('77', 1_200, 500)).toBe('busy');
    expect(await store.claim('77', 1_600, 500)).toBe('claimed');
    await store.complete('77', 10_000);
    expect(await store.claim('77', 5_000, 500)).toBe('done');
  });

  it('never moves the cursor back when an older run saves last', async () => {
    const store = createMemoryStateStore();
    expect(await store.writeCursor({ atMs: 2_000, idsAt: ['b'], open: [] })).toBe(true);
    expect(await store.writeCursor({ atMs: 1_000, idsAt: ['a'], open: [] })).toBe(false);
    expect((await store.readCursor())?.atMs).toBe(2_000);
  });
});

describe('createPacer', () => {
  it('spaces callers at least the interval apart, in call order', async () => {
    const pacer = createPacer(40);
    const started = Date.now();
    const order: number[] = [];
    const waited = await Promise.all(
      [0, 1, 2].map(async (i) => {
        await pacer.wait('slack', deadlineIn(5_000));
        order.push(i);
        return Date.now() - started;
      }),
    );
    // A loaded machine can only make a slot later, never earlier: each caller waits at least its place × interval.
    expect(order).toEqual([0, 1, 2]);
    expect(waited[1]).toBeGreaterThanOrEqual(38);
    expect(waited[2]).toBeGreaterThanOrEqual(78);
  });

  it('refuses a slot past the deadline with a retryable delivery error', async () => {
    const pacer = createPacer(1_000);
    await pacer.wait('slack', deadlineIn(5_000));
    await expect(pacer.wait('slack', deadlineIn(200))).rejects.toBeInstanceOf(DeliveryError);
  });
});
