import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryDeliveryStore, type MemoryDeliveryStore } from '../../../src/destinations/delivery-store.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Claims `count` records named `<prefix>-<n>`, each in progress for a minute. */
async function claimMany(store: MemoryDeliveryStore, prefix: string, count: number): Promise<void> {
  for (let n = 0; n < count; n++) await store.claim(`${prefix}-${n}`, Date.now() + 60_000);
}

describe('the in-memory delivery store over a long-lived container', () => {
  it('keeps up to 1,000 records, expired ones included', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryDeliveryStore({ expiresAfterSeconds: 10 });
    await claimMany(store, 'old', 999);

    vi.setSystemTime(1_020_000);
    await store.claim('new', Date.now() + 60_000);

    expect(store.size).toBe(1_000);
  });

  it('drops the expired records once it holds more than 1,000, keeping one that expires at that very instant', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryDeliveryStore({ expiresAfterSeconds: 10 });
    await claimMany(store, 'old', 999);
    vi.setSystemTime(1_005_000);
    await store.claim('edge', Date.now() + 60_000);

    vi.setSystemTime(1_015_000);
    await store.claim('new', Date.now() + 60_000);

    expect(store.size).toBe(2);
    expect(await store.claim('edge', Date.now() + 60_000)).toEqual({ state: 'in-progress' });
    expect(await store.claim('new', Date.now() + 60_000)).toEqual({ state: 'in-progress' });
    expect(await store.claim('old-0', Date.now() + 60_000)).toEqual({ state: 'claimed' });
  });

  it('keeps every live record however many it holds', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryDeliveryStore({ expiresAfterSeconds: 10 });
    await claimMany(store, 'live', 1_001);

    expect(store.size).toBe(1_001);
  });
});
