import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_HISTORY, type PolicyHistory } from '../../src/core/history/model.ts';
import { recordRun } from '../../src/core/history/record.ts';
import { createHistoryRecorder } from '../../src/history/recorder.ts';
import { createDynamoHistoryStore, historyId } from '../../src/history/store.ts';
import { type LocalDynamo, startLocalDynamo } from '../support/dynamodb-local.ts';

const TABLE = 'watcher-state';
const key = { appliance: 'default', policy: 'Nightly #1' };
const deadline = { remainingMs: () => 5_000 };
const run = (id: string, cls: 'success' | 'failure', day: number) => ({
  sessionId: id,
  cls,
  durationMs: 30 * 60_000,
  endedAt: new Date(Date.UTC(2026, 10, day, 1, 30)).toISOString(),
});

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(TABLE);
});
afterAll(async () => dynamo.close());

describe('DynamoDB history store', () => {
  it('keeps one item per policy, prefixed history#, with a version and a TTL', async () => {
    const store = createDynamoHistoryStore({ tableName: TABLE, client: dynamo.client });
    const recorder = createHistoryRecorder(store, { factor: 3, minRuns: 5 });
    await recorder.record(key, run('1', 'success', 1), deadline);
    await recorder.record(key, run('2', 'failure', 2), deadline);
    await recorder.flush();
    const items = await dynamo.items(TABLE);
    expect(items.map((i) => i.id)).toEqual([historyId(key)]);
    expect(historyId(key)).toBe('history#default#Nightly%20%231');
    expect(items[0]?.version).toBe('2');
    expect(Number(items[0]?.expiresAt)).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a write over a version another writer already replaced', async () => {
    const store = createDynamoHistoryStore({ tableName: TABLE, client: dynamo.client });
    const other = { appliance: 'default', policy: 'Racing' };
    const next: PolicyHistory = recordRun(EMPTY_HISTORY, run('1', 'success', 1), { factor: 3, minRuns: 5 }).history;
    expect(await store.write(other, next, 0, deadline)).toBe(true);
    expect(await store.write(other, next, 0, deadline)).toBe(false);
    expect(await store.write(other, next, 1, deadline)).toBe(true);
    expect((await store.read(other, deadline)).version).toBe(2);
  });

  it('counts a session delivered twice at the same time once', async () => {
    const store = createDynamoHistoryStore({ tableName: TABLE, client: dynamo.client });
    // Two containers: each has its own recorder, so only the table's conditional writes keep them apart.
    const recorder = createHistoryRecorder(store, { factor: 3, minRuns: 5 });
    const other = createHistoryRecorder(store, { factor: 3, minRuns: 5 });
    const racing = { appliance: 'default', policy: 'Concurrent' };
    await recorder.record(racing, run('1', 'success', 1), deadline);
    await recorder.flush();
    await Promise.all([
      recorder.record(racing, run('2', 'failure', 2), deadline),
      other.record(racing, run('2', 'failure', 2), deadline),
      other.record(racing, run('3', 'failure', 3), deadline),
    ]);
    await Promise.all([recorder.flush(), other.flush()]);
    const { history } = await store.read(racing, deadline);
    expect(history?.runs.map((r) => r.sessionId)).toEqual(['3', '2', '1']);
    expect(history?.open?.runs).toBe(2);
  });

  it('keeps the Slack thread of the open failures once', async () => {
    const store = createDynamoHistoryStore({ tableName: TABLE, client: dynamo.client });
    const recorder = createHistoryRecorder(store, { factor: 3, minRuns: 5 });
    const threaded = { appliance: 'default', policy: 'Threaded' };
    const memory = await recorder.record(threaded, run('9', 'failure', 9), deadline);
    const since = memory?.thread?.since ?? '';
    await recorder.saveThread(threaded, since, '1700000000.000100', deadline);
    await recorder.saveThread(threaded, since, '1700000099.000100', deadline);
    const next = await recorder.record(threaded, run('10', 'failure', 10), deadline);
    expect(next?.thread?.ts).toBe('1700000000.000100');
    await recorder.flush();
  });

  it('reports an unreachable table as a recorder warning, not a failure', async () => {
    const store = createDynamoHistoryStore({ tableName: 'no-such-table', client: dynamo.client });
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const recorder = createHistoryRecorder(store, { factor: 3, minRuns: 5, logger });
    expect(await recorder.record(key, run('1', 'success', 1), deadline)).toBeUndefined();
    expect(warnings).toEqual(['policy history unavailable; the message goes without memory lines']);
  });
});
