import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { AWS_CLIENT_OPTIONS } from '../aws-clients.ts';
import type { WatchCursor } from '../core/watch/cursor.ts';
import { NotifierError } from '../errors.ts';

// Markers outlive every window a session can come back in (overlap, open list, clock skew).
export const MARKER_TTL_MS = 30 * 86_400_000;

/** Whether this run may notify about a session: it took the claim, another run finished it, or holds it right now. */
export type ClaimResult = 'claimed' | 'done' | 'busy';

/**
 * The watcher's durable state: the cursor, a "notified" marker per session (taken with a conditional put, so two
 * overlapping runs never both post), and small JSON records (missed-run alerts, last check times).
 */
export interface WatcherStateStore {
  readCursor(): Promise<WatchCursor | undefined>;
  /** Saves the cursor unless a run that got further saved one; returns whether it was saved. */
  writeCursor(cursor: WatchCursor): Promise<boolean>;
  /** Claims `key` for `leaseMs`; an expired claim (a run that crashed) can be taken again. */
  claim(key: string, nowMs: number, leaseMs: number): Promise<ClaimResult>;
  /** Marks `key` done for good (kept until `expiresAtMs`, then DynamoDB's TTL may drop it). */
  complete(key: string, expiresAtMs: number): Promise<void>;
  /** Gives a claim back so the next run retries it. */
  release(key: string): Promise<void>;
  readRecord(name: string): Promise<unknown>;
  writeRecord(name: string, value: unknown): Promise<void>;
}

/** The state store failed (throttled, unreachable, table missing); retryable unless the table or access is wrong. */
export class StateStoreError extends NotifierError {
  constructor(message: string, options: ErrorOptions & { retryable: boolean }) {
    super(options.retryable ? 'STATE_TRANSIENT' : 'STATE_FAILED', message, options);
  }
}

/**
 * Every item is prefixed so the table can be shared with the idempotency table; each appliance of a fleet has its own
 * prefix (its cursor, claims and records), and the single `default` appliance keeps the prefix it had before fleets.
 */
export function statePrefix(appliance = 'default'): string {
  return appliance === 'default' ? 'watcher#' : `watcher#${appliance}#`;
}

/**
 * The cursor as stored (JSON in `data`).
 * @example { "atMs": 1764067200000, "idsAt": ["77"], "open": [{ "id": "78", "startMs": 1764066000000 }] }
 */
const CursorSchema = z.object({
  atMs: z.number(),
  idsAt: z.array(z.string()),
  open: z.array(z.object({ id: z.string(), startMs: z.number() })),
});

function parseCursor(data: string | undefined): WatchCursor | undefined {
  if (data === undefined) return undefined;
  const parsed = CursorSchema.safeParse(safeJson(data));
  // A cursor we cannot read is treated as a first run: bounded by the backfill window, never the whole history.
  return parsed.success ? parsed.data : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One memory store per appliance, made on first use. */
export function createMemoryStateStores(): (appliance: string) => WatcherStateStore {
  const stores = new Map<string, WatcherStateStore>();
  return (appliance) => {
    const store = stores.get(appliance) ?? createMemoryStateStore();
    stores.set(appliance, store);
    return store;
  };
}

/** State kept in this process only: for local runs and tests (a Lambda would forget it on every cold start). */
export function createMemoryStateStore(): WatcherStateStore {
  let cursor: WatchCursor | undefined;
  const markers = new Map<string, { state: 'claimed' | 'done'; leaseUntil: number }>();
  const records = new Map<string, string>();
  return {
    readCursor: async () => (cursor === undefined ? undefined : structuredClone(cursor)),
    async writeCursor(next) {
      if (cursor !== undefined && cursor.atMs > next.atMs) return false;
      cursor = structuredClone(next);
      return true;
    },
    async claim(key, nowMs, leaseMs) {
      const marker = markers.get(key);
      if (marker?.state === 'done') return 'done';
      if (marker !== undefined && marker.leaseUntil >= nowMs) return 'busy';
      markers.set(key, { state: 'claimed', leaseUntil: nowMs + leaseMs });
      return 'claimed';
    },
    async complete(key) {
      markers.set(key, { state: 'done', leaseUntil: 0 });
    },
    async release(key) {
      if (markers.get(key)?.state === 'claimed') markers.delete(key);
    },
    readRecord: async (name) => {
      const text = records.get(name);
      return text === undefined ? undefined : JSON.parse(text);
    },
    async writeRecord(name, value) {
      records.set(name, JSON.stringify(value));
    },
  };
}

type DynamoSdk = typeof import('@aws-sdk/client-dynamodb');

/**
 * State in a DynamoDB table with a single string partition key `id` (it may be the idempotency table). The SDK is
 * loaded on first use; `AWS_ENDPOINT_URL_DYNAMODB` points it at a local server (tests use dynalite).
 */
export function createDynamoStateStore(options: {
  tableName: string;
  client?: DynamoDBClient;
  appliance?: string;
}): WatcherStateStore {
  return dynamoStore(options.tableName, statePrefix(options.appliance), sdkLoader(options.client));
}

/** One DynamoDB store per appliance, all in `tableName` and sharing one client. */
export function createDynamoStateStores(options: {
  tableName: string;
  client?: DynamoDBClient;
}): (appliance: string) => WatcherStateStore {
  const load = sdkLoader(options.client);
  return (appliance) => dynamoStore(options.tableName, statePrefix(appliance), load);
}

type SdkLoader = () => Promise<{ sdk: DynamoSdk; client: DynamoDBClient }>;

function sdkLoader(client: DynamoDBClient | undefined): SdkLoader {
  let loaded: ReturnType<SdkLoader> | undefined;
  return () => {
    loaded ??= import('@aws-sdk/client-dynamodb').then((sdk) => ({
      sdk,
      client: client ?? new sdk.DynamoDBClient(AWS_CLIENT_OPTIONS),
    }));
    return loaded;
  };
}

function dynamoStore(table: string, prefix: string, load: SdkLoader): WatcherStateStore {
  /** The item that says a session was claimed or notified. */
  const notifiedId = (key: string): string => `${prefix}notified#${key}`;
  const CURSOR_ID = `${prefix}cursor`;

  const fail = (what: string, error: unknown): never => {
    if (error instanceof NotifierError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    const retryable = !['ResourceNotFoundException', 'AccessDeniedException', 'ValidationException'].includes(name);
    throw new StateStoreError(`watcher state table ${table}: ${what} failed (${name})`, { cause: error, retryable });
  };
  const isConditionFailure = (error: unknown): boolean =>
    error instanceof Error && error.name === 'ConditionalCheckFailedException';

  const getItem = async (id: string) => {
    const { sdk, client } = await load();
    try {
      const out = await client.send(
        new sdk.GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
      );
      return out.Item;
    } catch (error) {
      return fail(`reading ${id}`, error);
    }
  };

  return {
    async readCursor() {
      return parseCursor((await getItem(CURSOR_ID))?.data?.S);
    },
    async writeCursor(cursor) {
      const { sdk, client } = await load();
      try {
        await client.send(
          new sdk.PutItemCommand({
            TableName: table,
            Item: { id: { S: CURSOR_ID }, atMs: { N: String(cursor.atMs) }, data: { S: JSON.stringify(cursor) } },
            ConditionExpression: 'attribute_not_exists(id) OR atMs <= :atMs',
            ExpressionAttributeValues: { ':atMs': { N: String(cursor.atMs) } },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        return fail('saving the cursor', error);
      }
    },
    async claim(key, nowMs, leaseMs) {
      const { sdk, client } = await load();
      const id = notifiedId(key);
      try {
        await client.send(
          new sdk.PutItemCommand({
            TableName: table,
            Item: {
              id: { S: id },
              state: { S: 'claimed' },
              leaseUntil: { N: String(nowMs + leaseMs) },
              // A claim that is never settled (crash) is dropped by TTL after a day at the latest.
              expiresAt: { N: String(Math.ceil((nowMs + 86_400_000) / 1000)) },
            },
            ConditionExpression: 'attribute_not_exists(id) OR (#state = :claimed AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':claimed': { S: 'claimed' }, ':now': { N: String(nowMs) } },
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!isConditionFailure(error)) return fail(`claiming session ${key}`, error);
      }
      const item = await getItem(id);
      return item?.state?.S === 'done' ? 'done' : 'busy';
    },
    async complete(key, expiresAtMs) {
      const { sdk, client } = await load();
      try {
        await client.send(
          new sdk.PutItemCommand({
            TableName: table,
            Item: {
              id: { S: notifiedId(key) },
              state: { S: 'done' },
              expiresAt: { N: String(Math.ceil(expiresAtMs / 1000)) },
            },
          }),
        );
      } catch (error) {
        fail(`marking session ${key} notified`, error);
      }
    },
    async release(key) {
      const { sdk, client } = await load();
      try {
        await client.send(
          new sdk.DeleteItemCommand({
            TableName: table,
            Key: { id: { S: notifiedId(key) } },
            ConditionExpression: '#state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':claimed': { S: 'claimed' } },
          }),
        );
      } catch (error) {
        // Already done or gone: nothing to give back. Anything else: the lease expires on its own.
        if (!isConditionFailure(error)) fail(`releasing session ${key}`, error);
      }
    },
    async readRecord(name) {
      const data = (await getItem(`${prefix}record#${name}`))?.data?.S;
      return data === undefined ? undefined : safeJson(data);
    },
    async writeRecord(name, value) {
      const { sdk, client } = await load();
      try {
        await client.send(
          new sdk.PutItemCommand({
            TableName: table,
            Item: { id: { S: `${prefix}record#${name}` }, data: { S: JSON.stringify(value) } },
          }),
        );
      } catch (error) {
        fail(`saving ${name}`, error);
      }
    },
  };
}
