import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadlineIn } from '../../../src/deadline.ts';
import {
  type Claim,
  createMemoryDeliveryStore,
  type DeliveryStore,
  deliveryRecordId,
} from '../../../src/destinations/delivery-store.ts';
import { withIdempotency } from '../../../src/destinations/idempotent.ts';
import { DeliveryError } from '../../../src/errors.ts';
import type { Destination, Skipped } from '../../../src/ports.ts';
import { recordingLog } from '../../support/log.ts';
import { rejection } from '../../support/rejection.ts';
import { summaryNotification, unreadableNotification } from './notifications.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A destination named "chat" that records each post and answers from `answers` (an error is thrown). */
function chat(answers: (Skipped | Error)[] = []): Destination & { posts: string[] } {
  const posts: string[] = [];
  return {
    name: 'chat',
    posts,
    async post(notification) {
      posts.push(notification.kind === 'summary' ? notification.summary.sessionId : notification.problem.sessionId);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

/** The memory store with each call recorded, and any call made to fail by naming it in `failing`. */
function recordingStore(failing: Partial<Record<'claim' | 'complete' | 'release', unknown>> = {}, graceMs = 0) {
  const inner = createMemoryDeliveryStore({ graceMs });
  const calls: string[] = [];
  const claims: number[] = [];
  const store: DeliveryStore = {
    graceMs,
    prepare: () => undefined,
    async claim(id, until): Promise<Claim> {
      calls.push(`claim ${id}`);
      claims.push(until);
      if ('claim' in failing) throw failing.claim;
      return inner.claim(id, until);
    },
    async complete(id, sentAt) {
      calls.push(`complete ${id}`);
      if ('complete' in failing) throw failing.complete;
      return inner.complete(id, sentAt);
    },
    async release(id) {
      calls.push(`release ${id}`);
      if ('release' in failing) throw failing.release;
      return inner.release(id);
    },
  };
  return { store, calls, claims, inner };
}

const FAILED_5 = deliveryRecordId({ sessionId: '5', destination: 'chat', outcome: 'failed' });

describe('deliveryRecordId', () => {
  it('is the Powertools-style prefix # base64(md5(sorted JSON)), so older records still count', () => {
    expect(deliveryRecordId({ sessionId: '5', destination: 'slack', outcome: 'failed' })).toBe(
      'delivery#4wKlC85XgROEXctRP2B7fg==',
    );
    expect(deliveryRecordId({ appliance: 'vbr-1', sessionId: '5', destination: 'slack', outcome: 'failed' })).toBe(
      'delivery#pIl9k0GKUC01XrnuZMjikA==',
    );
  });
});

describe('withIdempotency', () => {
  it('claims, posts and completes the record of (session, destination, outcome)', async () => {
    const destination = chat();
    const { store, calls } = recordingStore();

    const answer = await withIdempotency(destination, store).post(
      summaryNotification('5', 'failed'),
      deadlineIn(5_000),
    );

    expect(answer).toBeUndefined();
    expect(destination.posts).toEqual(['5']);
    expect(calls).toEqual([`claim ${FAILED_5}`, `complete ${FAILED_5}`]);
  });

  it('posts a duplicate once and logs when it was sent', async () => {
    const destination = chat();
    const { log, lines } = recordingLog();
    const idempotent = withIdempotency(destination, createMemoryDeliveryStore(), log);

    await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));
    const again = await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));

    expect(again).toBeUndefined();
    expect(destination.posts).toEqual(['5']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^already delivered; not posting again \[\{"destination":"chat","outcome":"failed","sentAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}\]$/,
    );
  });

  it('answers a duplicate quietly when it was given no logger', async () => {
    const destination = chat();
    const idempotent = withIdempotency(destination, createMemoryDeliveryStore());

    await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));
    const again = await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));

    expect(again).toBeUndefined();
    expect(destination.posts).toEqual(['5']);
  });

  it('keys an unreadable log by its problem’s session and the outcome "unreadable"', async () => {
    const { store, calls } = recordingStore();

    await withIdempotency(chat(), store).post(unreadableNotification('999'), deadlineIn(5_000));

    expect(calls[0]).toBe(
      `claim ${deliveryRecordId({ sessionId: '999', destination: 'chat', outcome: 'unreadable' })}`,
    );
  });

  it('keys a fleet appliance’s session by its name, and the default appliance as before fleets', async () => {
    const { store, calls } = recordingStore();
    const idempotent = withIdempotency(chat(), store);

    await idempotent.post(summaryNotification('5', 'failed', { appliance: 'vbr-1' }), deadlineIn(5_000));
    await idempotent.post(summaryNotification('5', 'failed', { appliance: 'default' }), deadlineIn(5_000));

    expect(calls.filter((c) => c.startsWith('claim'))).toEqual([
      `claim ${deliveryRecordId({ appliance: 'vbr-1', sessionId: '5', destination: 'chat', outcome: 'failed' })}`,
      `claim ${FAILED_5}`,
    ]);
  });

  it('fails as retryable, without posting, while another invocation holds the claim', async () => {
    const destination = chat();
    const store = createMemoryDeliveryStore();
    await store.claim(FAILED_5, Date.now() + 60_000);

    const error = await rejection(
      withIdempotency(destination, store).post(summaryNotification('5', 'failed'), deadlineIn(5_000)),
      DeliveryError,
    );

    expect(error.message).toBe('chat: another invocation is posting this message (session 5, failed) right now');
    expect(error.retryable).toBe(true);
    expect(error.destination).toBe('chat');
    expect(destination.posts).toEqual([]);
  });

  it('holds its claim for the time left plus the store’s grace', async () => {
    const { store, claims } = recordingStore({}, 1_000);
    const before = Date.now();

    await withIdempotency(chat(), store).post(summaryNotification('5', 'failed'), { remainingMs: () => 5_000 });

    expect(claims[0]).toBeGreaterThanOrEqual(before + 6_000);
    expect(claims[0]).toBeLessThanOrEqual(Date.now() + 6_000);
  });

  it('holds its claim at least a millisecond when no time is left', async () => {
    const { store, claims } = recordingStore();
    const before = Date.now();

    await withIdempotency(chat(), store).post(summaryNotification('5', 'failed'), { remainingMs: () => -500 });

    expect(claims[0]).toBeGreaterThanOrEqual(before + 1);
    expect(claims[0]).toBeLessThanOrEqual(Date.now() + 1);
  });

  describe('when nothing was posted', () => {
    it('releases the record on a skip and passes the skip on, so a later post goes out', async () => {
      const skip = { skipped: 'CHAT_NOTIFY_ON=failures and the session is failed' };
      const destination = chat([skip]);
      const { store, calls } = recordingStore();
      const idempotent = withIdempotency(destination, store);

      const first = await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));
      await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));

      expect(first).toBe(skip);
      expect(destination.posts).toEqual(['5', '5']);
      expect(calls).toEqual([`claim ${FAILED_5}`, `release ${FAILED_5}`, `claim ${FAILED_5}`, `complete ${FAILED_5}`]);
    });

    it('releases the record on a failed post and rethrows the failure unchanged', async () => {
      const refusal = new DeliveryError('chat', 'chat answered HTTP 500', { retryable: true });
      const destination = chat([refusal]);
      const { store, calls } = recordingStore();
      const idempotent = withIdempotency(destination, store);

      await expect(idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000))).rejects.toBe(refusal);
      await idempotent.post(summaryNotification('5', 'failed'), deadlineIn(5_000));

      expect(destination.posts).toEqual(['5', '5']);
      expect(calls.slice(0, 2)).toEqual([`claim ${FAILED_5}`, `release ${FAILED_5}`]);
    });

    it('still rethrows the post’s failure when the release fails too', async () => {
      const refusal = new DeliveryError('chat', 'chat answered HTTP 500', { retryable: true });
      const { store } = recordingStore({ release: new Error('store down') });

      await expect(
        withIdempotency(chat([refusal]), store).post(summaryNotification('5', 'failed'), deadlineIn(5_000)),
      ).rejects.toBe(refusal);
    });

    it('still passes a skip on when the release fails', async () => {
      const skip = { skipped: 'below threshold' };
      const { store } = recordingStore({ release: new Error('store down') });

      await expect(
        withIdempotency(chat([skip]), store).post(summaryNotification('5', 'failed'), deadlineIn(5_000)),
      ).resolves.toBe(skip);
    });
  });

  describe('when the store fails', () => {
    it('posts nothing and fails as retryable naming the inner cause when the claim fails', async () => {
      const destination = chat();
      const failure = new Error('request failed', { cause: new RangeError('table is gone') });
      const { store } = recordingStore({ claim: failure });

      const error = await rejection(
        withIdempotency(destination, store).post(summaryNotification('5', 'failed'), deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toBe(
        'chat: the delivery record store failed (RangeError: table is gone); nothing was posted',
      );
      expect(error.retryable).toBe(true);
      expect(error.cause).toBe(failure);
      expect(destination.posts).toEqual([]);
    });

    it('names the error itself when it has no Error cause, cut to 200 characters', async () => {
      const { store } = recordingStore({ claim: new TypeError('x'.repeat(250)) });

      const error = await rejection(
        withIdempotency(chat(), store).post(summaryNotification('5', 'failed'), deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toBe(
        `chat: the delivery record store failed (TypeError: ${'x'.repeat(200)}); nothing was posted`,
      );
    });

    it('says "unknown error" for a thrown non-error', async () => {
      const { store } = recordingStore({ claim: 'boom' });

      const error = await rejection(
        withIdempotency(chat(), store).post(summaryNotification('5', 'failed'), deadlineIn(5_000)),
        DeliveryError,
      );

      expect(error.message).toBe('chat: the delivery record store failed (unknown error); nothing was posted');
    });

    it('counts the post as delivered, with a warning, when the record cannot be completed', async () => {
      const destination = chat();
      const { log, lines } = recordingLog();
      const { store } = recordingStore({ complete: new Error('throttled') });

      const answer = await withIdempotency(destination, store, log).post(
        summaryNotification('5', 'failed'),
        deadlineIn(5_000),
      );

      expect(answer).toBeUndefined();
      expect(destination.posts).toEqual(['5']);
      expect(lines).toEqual([
        'delivered, but the delivery record could not be completed; a retry may post again [{"destination":"chat","reason":"Error: throttled"}]',
      ]);
    });

    it('still counts the post as delivered when the record cannot be completed and there is no logger', async () => {
      const destination = chat();
      const { store } = recordingStore({ complete: new Error('throttled') });

      const answer = await withIdempotency(destination, store).post(
        summaryNotification('5', 'failed'),
        deadlineIn(5_000),
      );

      expect(answer).toBeUndefined();
      expect(destination.posts).toEqual(['5']);
    });
  });
});

describe('createMemoryDeliveryStore', () => {
  it('claims a new record, reports it in progress, then delivered with its time once completed', async () => {
    const store = createMemoryDeliveryStore();

    const first = await store.claim('a', Date.now() + 60_000);
    const during = await store.claim('a', Date.now() + 60_000);
    await store.complete('a', '2026-11-30T01:00:00.000Z');
    const after = await store.claim('a', Date.now() + 60_000);

    expect([first, during, after]).toEqual([
      { state: 'claimed' },
      { state: 'in-progress' },
      { state: 'delivered', sentAt: '2026-11-30T01:00:00.000Z' },
    ]);
  });

  it('lets another invocation take over a claim once its in-progress time has passed, not at that instant', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryDeliveryStore();
    await store.claim('a', 1_005_000);

    vi.setSystemTime(1_005_000);
    const atExpiry = await store.claim('a', 1_010_000);
    vi.setSystemTime(1_005_001);
    const after = await store.claim('a', 1_010_000);

    expect(atExpiry).toEqual({ state: 'in-progress' });
    expect(after).toEqual({ state: 'claimed' });
  });

  it('forgets a delivered record after its time to live, not at that instant', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryDeliveryStore({ expiresAfterSeconds: 10 });
    await store.claim('a', 1_001_000);
    await store.complete('a', 'then');

    vi.setSystemTime(1_010_000);
    const atExpiry = await store.claim('a', 1_020_000);
    vi.setSystemTime(1_010_001);
    const after = await store.claim('a', 1_020_000);

    expect(atExpiry).toEqual({ state: 'delivered', sentAt: 'then' });
    expect(after).toEqual({ state: 'claimed' });
  });

  it('keeps a delivered record a day by default', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryDeliveryStore();
    await store.claim('a', 1_001_000);
    await store.complete('a', 'then');

    vi.setSystemTime(1_000_000 + 86_400_000);
    const atDay = await store.claim('a', Date.now() + 1_000);
    vi.setSystemTime(1_000_001 + 86_400_000);
    const afterDay = await store.claim('a', Date.now() + 1_000);

    expect(atDay.state).toBe('delivered');
    expect(afterDay.state).toBe('claimed');
  });

  it('frees a released record and ignores completing one it does not hold', async () => {
    const store = createMemoryDeliveryStore();
    await store.claim('a', Date.now() + 60_000);

    await store.release('a');
    await store.complete('b', 'never claimed');

    expect(await store.claim('a', Date.now() + 60_000)).toEqual({ state: 'claimed' });
    expect(await store.claim('b', Date.now() + 60_000)).toEqual({ state: 'claimed' });
  });

  it('keeps no grace by default, and the grace it is given', () => {
    expect(createMemoryDeliveryStore().graceMs).toBe(0);
    expect(createMemoryDeliveryStore({ graceMs: 2_500 }).graceMs).toBe(2_500);
  });
});
