import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
    this.name = 'StateStoreError';
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
  return storeOf(new DynamoStateStore(options.tableName, statePrefix(options.appliance), sdkLoader(options.client)));
}

/** One DynamoDB store per appliance, all in `tableName` and sharing one client. */
export function createDynamoStateStores(options: {
  tableName: string;
  client?: DynamoDBClient;
}): (appliance: string) => WatcherStateStore {
  const load = sdkLoader(options.client);
  return (appliance) => storeOf(new DynamoStateStore(options.tableName, statePrefix(appliance), load));
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

function storeOf(store: DynamoStateStore): WatcherStateStore {
  // A plain object of bound methods, so callers may wrap it with a spread like any other store.
  return {
    readCursor: () => store.readCursor(),
    writeCursor: (cursor) => store.writeCursor(cursor),
    claim: (key, nowMs, leaseMs) => store.claim(key, nowMs, leaseMs),
    complete: (key, expiresAtMs) => store.complete(key, expiresAtMs),
    release: (key) => store.release(key),
    readRecord: (name) => store.readRecord(name),
    writeRecord: (name, value) => store.writeRecord(name, value),
  };
}

// Commands are built from the lazily loaded SDK, so the module costs nothing until the first call.
// biome-ignore lint/suspicious/noExplicitAny: every command class of the SDK is accepted by client.send; its generics differ per command.
type Command = (sdk: DynamoSdk, table: string) => any;
const CONDITION_FAILED = Symbol('condition failed');

class DynamoStateStore implements WatcherStateStore {
  private readonly cursorId: string;

  constructor(
    private readonly table: string,
    private readonly prefix: string,
    private readonly load: SdkLoader,
  ) {
    this.cursorId = `${prefix}cursor`;
  }

  /** The item that says a session was claimed or notified. */
  private notifiedId(key: string): string {
    return `${this.prefix}notified#${key}`;
  }

  async readCursor() {
    return parseCursor((await this.getItem(this.cursorId))?.data?.S);
  }

  async writeCursor(cursor: WatchCursor) {
    const atMs = { N: String(cursor.atMs) };
    const saved = await this.send('saving the cursor', (sdk, TableName) => {
      const Item = { id: { S: this.cursorId }, atMs, data: { S: JSON.stringify(cursor) } };
      const ConditionExpression = 'attribute_not_exists(id) OR atMs <= :atMs';
      return new sdk.PutItemCommand({
        TableName,
        Item,
        ConditionExpression,
        ExpressionAttributeValues: { ':atMs': atMs },
      });
    });
    return saved !== CONDITION_FAILED;
  }

  async claim(key: string, nowMs: number, leaseMs: number): Promise<ClaimResult> {
    const id = this.notifiedId(key);
    const claimed = await this.send(`claiming session ${key}`, (sdk, TableName) => {
      const Item = {
        id: { S: id },
        state: { S: 'claimed' },
        leaseUntil: { N: String(nowMs + leaseMs) },
        // A claim that is never settled (crash) is dropped by TTL after a day at the latest.
        expiresAt: { N: String(Math.ceil((nowMs + 86_400_000) / 1000)) },
      };
      return new sdk.PutItemCommand({
        TableName,
        Item,
        ConditionExpression: 'attribute_not_exists(id) OR (#state = :claimed AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':claimed': { S: 'claimed' }, ':now': { N: String(nowMs) } },
      });
    });
    if (claimed !== CONDITION_FAILED) return 'claimed';
    const item = await this.getItem(id);
    return item?.state?.S === 'done' ? 'done' : 'busy';
  }

  async complete(key: string, expiresAtMs: number) {
    await this.send(`marking session ${key} notified`, (sdk, TableName) => {
      const expiresAt = { N: String(Math.ceil(expiresAtMs / 1000)) };
      return new sdk.PutItemCommand({
        TableName,
        Item: { id: { S: this.notifiedId(key) }, state: { S: 'done' }, expiresAt },
      });
    });
  }

  async release(key: string) {
    // Already done or gone (condition failed): nothing to give back. Anything else: the lease expires on its own.
    await this.send(
      `releasing session ${key}`,
      (sdk, TableName) =>
        new sdk.DeleteItemCommand({
          TableName,
          Key: { id: { S: this.notifiedId(key) } },
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': { S: 'claimed' } },
        }),
    );
  }

  async readRecord(name: string) {
    const data = (await this.getItem(`${this.prefix}record#${name}`))?.data?.S;
    return data === undefined ? undefined : safeJson(data);
  }

  async writeRecord(name: string, value: unknown) {
    await this.send(`saving ${name}`, (sdk, TableName) => {
      const Item = { id: { S: `${this.prefix}record#${name}` }, data: { S: JSON.stringify(value) } };
      return new sdk.PutItemCommand({ TableName, Item });
    });
  }

  private async getItem(id: string) {
    const out = await this.send(
      `reading ${id}`,
      (sdk, TableName) => new sdk.GetItemCommand({ TableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    return out === CONDITION_FAILED ? undefined : (out as { Item?: Record<string, AttributeValue> }).Item;
  }

  /** Sends one command; a failed condition is a value, every other failure a StateStoreError naming the table. */
  private async send(what: string, command: Command): Promise<unknown> {
    const { sdk, client } = await this.load();
    try {
      return await client.send(command(sdk, this.table));
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return CONDITION_FAILED;
      if (error instanceof NotifierError) throw error;
      const name = error instanceof Error ? error.name : 'Error';
      const retryable = !['ResourceNotFoundException', 'AccessDeniedException', 'ValidationException'].includes(name);
      const message = `watcher state table ${this.table}: ${what} failed (${name})`;
      throw new StateStoreError(message, { cause: error, retryable });
    }
  }
}
