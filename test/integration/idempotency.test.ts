import { createHash } from 'node:crypto';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../src/core/summary.ts';
import { deadlineIn } from '../../src/deadline.ts';
import {
  createDynamoDeliveryStore,
  createMemoryDeliveryStore,
  deliveryRecordId,
} from '../../src/destinations/delivery-store.ts';
import { withIdempotency } from '../../src/destinations/idempotent.ts';
import { DeliveryError, NotifierError } from '../../src/errors.ts';
import type { Destination } from '../../src/ports.ts';
import { type LocalDynamo, startLocalDynamo } from '../support/dynamodb-local.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { recordingLog } from '../support/log.ts';
import { rejection } from '../support/rejection.ts';

let dynamo: LocalDynamo;
let tableCount = 0;
let harness: Harness | undefined;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await harness?.close();
  harness = undefined;
});

/** A harness whose handler keeps delivery records in a fresh table on the local DynamoDB, found via the standard env variable. */
async function startWithTable(): Promise<{ h: Harness; table: string }> {
  const table = `deliveries-${++tableCount}`;
  await dynamo.createTable(table);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  harness = await startHarness({ IDEMPOTENCY_TABLE: table });
  return { h: harness, table };
}

async function settle(promise: Promise<unknown>): Promise<{ ok: boolean; error?: unknown }> {
  return promise.then(
    () => ({ ok: true }),
    (error: unknown) => ({ ok: false, error }),
  );
}

describe('exactly-once delivery with a DynamoDB table (dynalite)', () => {
  it('posts once per destination when the same event arrives three times', async () => {
    const { h, table } = await startWithTable();

    const results = [];
    for (let i = 0; i < 3; i++) results.push(await h.invoke({ sessionId: '77' }));

    expect(h.sink.postsTo('slack')).toHaveLength(1);
    expect(h.sink.postsTo('teams')).toHaveLength(1);
    expect(results.every((r) => (r as { delivered: string[] }).delivered.length === 2)).toBe(true);
    const items = await dynamo.items(table);
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.id).toMatch(/^delivery#/);
      expect(item.status).toBe('COMPLETED');
      // TTL attribute in epoch seconds, about a day ahead.
      expect(Number(item.expiration) - Date.now() / 1000).toBeGreaterThan(23 * 3600);
    }
    expect(h.output.join('')).toContain('already delivered; not posting again');
  });

  it('passes a destination policy skip through and records nothing for it (SLACK_NOTIFY_ON)', async () => {
    const table = `deliveries-${++tableCount}`;
    await dynamo.createTable(table);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    harness = await startHarness({ IDEMPOTENCY_TABLE: table, SLACK_NOTIFY_ON: 'failures' });

    const result = await harness.invoke({ sessionId: '52' });

    expect(result).toMatchObject({
      delivered: ['teams'],
      skipped: [{ destination: 'slack', reason: 'SLACK_NOTIFY_ON=failures and the session is warning' }],
    });
    expect(harness.sink.postsTo('slack')).toHaveLength(0);
    const items = await dynamo.items(table);
    expect(items.map((item) => String(item.id))).toEqual([expect.stringMatching(/^delivery#/)]);
  });

  it('retries only the destination that failed: the retry posts Slack once and Teams not again', async () => {
    const { h } = await startWithTable();
    // Three 503s use up the first invocation's attempts at Slack.
    h.sink.enqueue('slack', { status: 503 }, { status: 503 }, { status: 503 });

    const first = await settle(h.invoke({ sessionId: '38' }));
    const second = await settle(h.invoke({ sessionId: '38' }));
    const third = await settle(h.invoke({ sessionId: '38' }));

    expect(first.ok).toBe(false);
    expect((first.error as NotifierError).retryable).toBe(true);
    expect(second.ok && third.ok).toBe(true);
    // 3 refused + 1 accepted; the third invocation posts nothing.
    expect(h.sink.postsTo('slack')).toHaveLength(4);
    expect(h.sink.postsTo('teams')).toHaveLength(1);
  });

  it('posts once when two invocations of the same session run at the same time', async () => {
    const { h } = await startWithTable();
    // Slow answers keep the first delivery in progress while the second invocation arrives.
    h.sink.enqueue('slack', { status: 200, body: 'ok', delayMs: 1_000 });
    h.sink.enqueue('teams', { status: 202, delayMs: 1_000 });

    const outcomes = await Promise.all([settle(h.invoke({ sessionId: '52' })), settle(h.invoke({ sessionId: '52' }))]);
    const later = await settle(h.invoke({ sessionId: '52' }));

    expect(h.sink.postsTo('slack')).toHaveLength(1);
    expect(h.sink.postsTo('teams')).toHaveLength(1);
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toHaveLength(1);
    // The loser fails as retryable ("in progress"), so the platform retries it and the retry finds the record sent.
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(NotifierError);
      expect((f.error as NotifierError).retryable).toBe(true);
      expect((f.error as Error).message).toMatch(/another invocation is posting this message/);
    }
    expect(outcomes.some((o) => o.ok)).toBe(true);
    expect(later.ok).toBe(true);
  });

  it.each([
    ['takes over a record left in progress by a killed invocation once its time is up', -1_000, 1],
    ['leaves a record in progress alone while its invocation may still be running', 60_000, 0],
  ])('%s', async (_name, inProgressExpiresInMs, posts) => {
    const { h, table } = await startWithTable();
    for (const destination of ['slack', 'teams']) {
      // The key Powertools derives: prefix # base64(md5(JSON of the key object with sorted keys)).
      const payload = JSON.stringify({ destination, outcome: 'succeeded', sessionId: '38' });
      const id = `delivery#${createHash('md5').update(payload).digest('base64')}`;
      await dynamo.client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            id: { S: id },
            status: { S: 'INPROGRESS' },
            expiration: { N: String(Math.round(Date.now() / 1000) + 3_600) },
            in_progress_expiration: { N: String(Date.now() + inProgressExpiresInMs) },
          },
        }),
      );
    }

    const outcome = await settle(h.invoke({ sessionId: '38' }));

    expect(h.sink.postsTo('slack')).toHaveLength(posts);
    expect(h.sink.postsTo('teams')).toHaveLength(posts);
    expect(outcome.ok).toBe(posts === 1);
    if (!outcome.ok) expect((outcome.error as NotifierError).retryable).toBe(true);
  });

  it('posts nothing and fails as retryable when the table cannot be reached', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', 'http://127.0.0.1:9');
    harness = await startHarness({ IDEMPOTENCY_TABLE: 'unreachable' });

    const outcome = await settle(harness.invoke({ sessionId: '38' }, 8_000));

    expect(outcome.ok).toBe(false);
    expect((outcome.error as NotifierError).retryable).toBe(true);
    expect((outcome.error as Error).message).toMatch(/delivery record store failed/);
    expect(harness.sink.posts).toHaveLength(0);
  });
});

describe('the delivery store on DynamoDB (dynalite), as Powertools Idempotency behaved', () => {
  const freshStore = async (options: { expiresAfterSeconds?: number } = {}) => {
    const table = `deliveries-${++tableCount}`;
    await dynamo.createTable(table);
    return { table, store: createDynamoDeliveryStore(table, { client: dynamo.client, ...options }) };
  };
  const id = deliveryRecordId({ sessionId: '38', destination: 'slack', outcome: 'succeeded' });
  const inAMinute = () => Date.now() + 60_000;

  it('claims a record once: a second claim sees it in progress, a completed one as delivered with its time', async () => {
    const { store } = await freshStore();

    expect(await store.claim(id, inAMinute())).toEqual({ state: 'claimed' });
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'in-progress' });
    await store.complete(id, '2026-11-30T12:00:00.000Z');
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'delivered', sentAt: '2026-11-30T12:00:00.000Z' });
  });

  it('lets a claim take over a record left in progress past its in-progress expiry, not before', async () => {
    const { store } = await freshStore();

    expect(await store.claim(id, Date.now() - 1)).toEqual({ state: 'claimed' });
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'claimed' });
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'in-progress' });
  });

  it('gives exactly one of ten concurrent claims the record', async () => {
    const { store } = await freshStore();

    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim(id, inAMinute())));

    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in-progress')).toHaveLength(9);
  });

  it('reuses a completed record until it expires, then lets the delivery be claimed again', async () => {
    const { store, table } = await freshStore();
    await store.claim(id, inAMinute());
    await store.complete(id, '2026-11-30T12:00:00.000Z');
    expect((await store.claim(id, inAMinute())).state).toBe('delivered');

    // The TTL attribute in the past: DynamoDB may not have deleted it yet, and the claim must not wait for that.
    const [item] = await dynamo.items(table);
    expect(item).toMatchObject({ id, status: 'COMPLETED' });
    await dynamo.client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          id: { S: id },
          status: { S: 'COMPLETED' },
          expiration: { N: String(Math.floor(Date.now() / 1000) - 1) },
        },
      }),
    );
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'claimed' });
  });

  it('forgets a released claim, so the next attempt posts', async () => {
    const { store, table } = await freshStore();
    await store.claim(id, inAMinute());

    await store.release(id);

    expect(await dynamo.items(table)).toEqual([]);
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'claimed' });
  });

  it('reads records Powertools Idempotency wrote, and Powertools reads ours (same table during a rolling deploy)', async () => {
    const { table, store } = await freshStore();
    const powertools = makeIdempotent(async (_key: object) => ({ sentAt: '2026-11-30T11:00:00.000Z' }), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamo.client }),
      keyPrefix: 'delivery',
    });
    await powertools({ sessionId: '38', destination: 'slack', outcome: 'succeeded' });
    expect(await store.claim(id, inAMinute())).toEqual({ state: 'delivered', sentAt: '2026-11-30T11:00:00.000Z' });

    const ours = deliveryRecordId({ sessionId: '38', destination: 'teams', outcome: 'succeeded' });
    await store.claim(ours, inAMinute());
    await store.complete(ours, '2026-11-30T12:00:00.000Z');
    let ran = false;
    const again = makeIdempotent(
      async (_key: object) => {
        ran = true;
        return {};
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamo.client }),
        keyPrefix: 'delivery',
      },
    );
    expect(await again({ sessionId: '38', destination: 'teams', outcome: 'succeeded' })).toEqual({
      sentAt: '2026-11-30T12:00:00.000Z',
    });
    expect(ran).toBe(false);
  });
});

describe('exactly-once delivery in memory (no IDEMPOTENCY_TABLE)', () => {
  it('suppresses a duplicate within the same container', async () => {
    harness = await startHarness();

    await harness.invoke({ sessionId: '38' });
    await harness.invoke({ sessionId: '38' });

    expect(harness.sink.postsTo('slack')).toHaveLength(1);
    expect(harness.sink.postsTo('teams')).toHaveLength(1);
  });

  it('treats 38, 038, 0038 and the number 38 as one session: one post, one log path', async () => {
    harness = await startHarness();

    for (const sessionId of ['38', '038', '0038', 38]) await harness.invoke({ sessionId });

    expect(harness.sink.postsTo('slack')).toHaveLength(1);
    expect(new Set(harness.emulator.requestsTo('log').map((r) => r.path))).toEqual(
      new Set(['/api/v1/jobSessions/38/log']),
    );
  });
});

describe('withIdempotency', () => {
  const summary = (sessionId: string, worst: 'failed' | 'success' | 'running'): Notification => ({
    kind: 'summary',
    summary: {
      sessionId,
      totalSteps: 1,
      counts: [],
      worst,
      problems: [],
      failedCount: 0,
      warningCount: 0,
      durationMs: null,
      startedAt: null,
      endedAt: null,
    },
  });
  const recording = (fail: unknown[] = []): Destination & { calls: string[] } => {
    const calls: string[] = [];
    return {
      name: 'chat',
      calls,
      async post(notification) {
        calls.push(
          notification.kind === 'summary' ? `${notification.summary.sessionId}:${notification.summary.worst}` : '',
        );
        const error = fail.shift();
        if (error !== undefined) throw error;
      },
    };
  };

  it('posts again when the same session reaches a new outcome (running, then failed)', async () => {
    const destination = recording();
    const idempotent = withIdempotency(destination, createMemoryDeliveryStore());

    await idempotent.post(summary('5', 'running'), deadlineIn(5_000));
    await idempotent.post(summary('5', 'running'), deadlineIn(5_000));
    await idempotent.post(summary('5', 'failed'), deadlineIn(5_000));
    await idempotent.post(summary('6', 'failed'), deadlineIn(5_000));

    expect(destination.calls).toEqual(['5:running', '5:failed', '6:failed']);
  });

  it('rethrows the destination’s own error unchanged and posts on the next call', async () => {
    const refusal = new DeliveryError('chat', 'chat answered HTTP 500', { retryable: true });
    const destination = recording([refusal]);
    const idempotent = withIdempotency(destination, createMemoryDeliveryStore());

    await expect(idempotent.post(summary('7', 'success'), deadlineIn(5_000))).rejects.toBe(refusal);
    await idempotent.post(summary('7', 'success'), deadlineIn(5_000));
    await idempotent.post(summary('7', 'success'), deadlineIn(5_000));

    expect(destination.calls).toHaveLength(2);
  });

  it('posts nothing and fails as retryable when the store cannot record the delivery first (no such table)', async () => {
    const destination = recording();
    const { lines, log: logger } = recordingLog();
    const store = createDynamoDeliveryStore('no-such-table', { client: dynamo.client });
    const idempotent = withIdempotency(destination, store, logger);

    const error = await rejection(idempotent.post(summary('8', 'success'), deadlineIn(5_000)), DeliveryError);

    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/delivery record store failed .*ResourceNotFound.*nothing was posted/);
    expect(destination.calls).toHaveLength(0);
    expect(lines).toHaveLength(0);
  });

  it('counts the post as delivered, with a warning, when the store fails after it (table deleted meanwhile)', async () => {
    const table = `deliveries-${++tableCount}`;
    await dynamo.createTable(table);
    const calls: string[] = [];
    const destination: Destination = {
      name: 'chat',
      async post() {
        calls.push('posted');
        await dynamo.client.send(new DeleteTableCommand({ TableName: table }));
      },
    };
    const { lines, log: logger } = recordingLog();
    const idempotent = withIdempotency(
      destination,
      createDynamoDeliveryStore(table, { client: dynamo.client }),
      logger,
    );

    await idempotent.post(summary('9', 'success'), deadlineIn(5_000));

    expect(calls).toEqual(['posted']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^delivered, but the delivery record could not be completed.*ResourceNotFound/);
  });

  it('keeps the destination name', () => {
    expect(withIdempotency(recording(), createMemoryDeliveryStore()).name).toBe('chat');
  });
});
