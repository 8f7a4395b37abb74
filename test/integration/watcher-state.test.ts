import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoStateStore,
  createMemoryStateStore,
  StateStoreError,
  type WatcherStateStore,
} from '../../src/watcher/state-store.ts';
import { type LocalDynamo, startLocalDynamo } from '../support/dynamodb-local.ts';
import { rejection } from '../support/rejection.ts';

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function dynamoStore(): Promise<{ store: WatcherStateStore; table: string }> {
  const table = `state-${++tables}`;
  await dynamo.createTable(table);
  return { store: createDynamoStateStore({ tableName: table, client: dynamo.client }), table };
}

const stores: [string, () => Promise<WatcherStateStore>][] = [
  ['DynamoDB (dynalite)', async () => (await dynamoStore()).store],
  ['memory', async () => createMemoryStateStore()],
];

describe.each(stores)('watcher state in %s', (_name, make) => {
  it('has no cursor before the first run', async () => {
    expect(await (await make()).readCursor()).toBeUndefined();
  });

  it('saves the cursor but never moves it back when an older run saves last', async () => {
    const store = await make();
    const cursor = { atMs: 2_000, idsAt: ['b'], open: [{ id: 'r', startMs: 500 }] };
    expect(await store.writeCursor(cursor)).toBe(true);
    expect(await store.writeCursor({ atMs: 1_000, idsAt: ['a'], open: [] })).toBe(false);
    expect(await store.readCursor()).toEqual(cursor);
  });

  it('gives a session to one claimant; others see it busy, then done', async () => {
    const store = await make();
    expect(await store.claim('77', 1_000, 60_000)).toBe('claimed');
    expect(await store.claim('77', 2_000, 60_000)).toBe('busy');
    await store.complete('77', Date.now() + 86_400_000);
    expect(await store.claim('77', 3_000, 60_000)).toBe('done');
  });

  it('lets a later run retake a claim whose lease ran out (a run that crashed)', async () => {
    const store = await make();
    expect(await store.claim('52', 1_000, 500)).toBe('claimed');
    expect(await store.claim('52', 1_501, 500)).toBe('claimed');
  });

  it('releases a claim so the next run retries, but never releases a done marker', async () => {
    const store = await make();
    await store.claim('38', 1_000, 60_000);
    await store.release('38');
    expect(await store.claim('38', 1_100, 60_000)).toBe('claimed');
    await store.complete('38', Date.now() + 86_400_000);
    await store.release('38');
    expect(await store.claim('38', 1_200, 60_000)).toBe('done');
  });

  it('keeps JSON records', async () => {
    const store = await make();
    expect(await store.readRecord('missed-run-alerts')).toBeUndefined();
    await store.writeRecord('missed-run-alerts', [{ policyKey: 'p', lastStopMs: 1 }]);
    expect(await store.readRecord('missed-run-alerts')).toEqual([{ policyKey: 'p', lastStopMs: 1 }]);
  });
});

describe('createDynamoStateStore', () => {
  it('treats an unreadable cursor as a first run rather than failing every run', async () => {
    const { store, table } = await dynamoStore();
    await dynamo.client.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: 'watcher#cursor' }, atMs: { N: '1' }, data: { S: '{' } },
      }),
    );
    expect(await store.readCursor()).toBeUndefined();
  });

  it('names the table in a non-retryable error when it does not exist', async () => {
    const store = createDynamoStateStore({ tableName: 'no-such-table', client: dynamo.client });
    const error = await rejection(store.readCursor(), StateStoreError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('no-such-table') });
  });
});
