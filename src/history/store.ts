import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_OPTIONS } from '../aws-clients.ts';
import { type HistoryKey, type PolicyHistory, PolicyHistorySchema } from '../core/history/model.ts';
import { NotifierError } from '../errors.ts';
import type { Deadline } from '../ports.ts';

/** A policy's memory as stored, with the version a conditional write compares (0: never written). */
export interface StoredHistory {
  readonly history: PolicyHistory | undefined;
  readonly version: number;
}

/** Where policy memories live: one item per (appliance, policy), written only over the version it was read at. */
export interface HistoryStore {
  read(key: HistoryKey, deadline: Deadline): Promise<StoredHistory>;
  /** Saves `history` as version `version + 1` if the stored one is still `version`; false when another writer won. */
  write(key: HistoryKey, history: PolicyHistory, version: number, deadline: Deadline): Promise<boolean>;
  /** Starts loading what the first read needs (the SDK), so a cold start overlaps it with the appliance calls. */
  warm?(): void;
}

/** The history store failed or holds an item it cannot read. */
export class HistoryStoreError extends NotifierError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('HISTORY_UNAVAILABLE', message, { ...options, retryable: true });
    this.name = 'HistoryStoreError';
  }
}

// Shared-table friendly: the watcher's items start with "watcher#", the delivery records with "delivery".
const PREFIX = 'history#';
/** A policy untouched this long is forgotten (DynamoDB TTL). */
export const HISTORY_TTL_MS = 180 * 86_400_000;

/** The item ID of a policy's memory; both parts encoded so a "#" in a name cannot collide. */
export function historyId(key: HistoryKey): string {
  return `${PREFIX}${encodeURIComponent(key.appliance)}#${encodeURIComponent(key.policy)}`;
}

function parseStored(data: string, version: number, id: string): StoredHistory {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    throw new HistoryStoreError(`history item ${id} is not JSON`, { cause: error });
  }
  const parsed = PolicyHistorySchema.safeParse(json);
  if (!parsed.success) throw new HistoryStoreError(`history item ${id} has an unknown shape`);
  return { history: parsed.data, version };
}

/** Memories in this process (local runs, tests): kept as JSON so nothing is shared by reference. */
export function createMemoryHistoryStore(): HistoryStore & { readonly items: Map<string, string> } {
  const items = new Map<string, string>();
  const versions = new Map<string, number>();
  return {
    items,
    async read(key) {
      const id = historyId(key);
      const data = items.get(id);
      const version = versions.get(id) ?? 0;
      return data === undefined ? { history: undefined, version } : parseStored(data, version, id);
    },
    async write(key, history, version) {
      const id = historyId(key);
      if ((versions.get(id) ?? 0) !== version) return false;
      items.set(id, JSON.stringify(history));
      versions.set(id, version + 1);
      return true;
    },
  };
}

type DynamoSdk = typeof import('@aws-sdk/client-dynamodb');

/**
 * Memories in a DynamoDB table with a string partition key `id` and TTL on `expiresAt` (HISTORY_TABLE; it may be the
 * watcher's state table). One GetItem per read, one conditional PutItem per write. The SDK loads on first use.
 */
export function createDynamoHistoryStore(options: { tableName: string; client?: DynamoDBClient }): HistoryStore {
  const table = options.tableName;
  let loaded: Promise<{ sdk: DynamoSdk; client: DynamoDBClient }> | undefined;
  const load = () => {
    loaded ??= import('@aws-sdk/client-dynamodb').then((sdk) => ({
      sdk,
      client: options.client ?? new sdk.DynamoDBClient(AWS_CLIENT_OPTIONS),
    }));
    return loaded;
  };
  const signal = (deadline: Deadline) => ({ abortSignal: AbortSignal.timeout(Math.max(1, deadline.remainingMs())) });
  const fail = (what: string, error: unknown): never => {
    if (error instanceof NotifierError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    throw new HistoryStoreError(`history table ${table}: ${what} failed (${name})`, { cause: error });
  };

  return {
    warm() {
      load().catch(() => {
        loaded = undefined;
      });
    },
    async read(key, deadline) {
      const { sdk, client } = await load();
      const id = historyId(key);
      try {
        const out = await client.send(
          new sdk.GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
          signal(deadline),
        );
        const data = out.Item?.data?.S;
        const version = Number(out.Item?.version?.N ?? 0);
        return data === undefined ? { history: undefined, version } : parseStored(data, version, id);
      } catch (error) {
        return fail(`reading ${id}`, error);
      }
    },
    async write(key, history, version, deadline) {
      const { sdk, client } = await load();
      const id = historyId(key);
      try {
        await client.send(
          new sdk.PutItemCommand({
            TableName: table,
            Item: {
              id: { S: id },
              version: { N: String(version + 1) },
              data: { S: JSON.stringify(history) },
              expiresAt: { N: String(Math.ceil((Date.now() + HISTORY_TTL_MS) / 1000)) },
            },
            ConditionExpression: version === 0 ? 'attribute_not_exists(id)' : 'version = :version',
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': { N: String(version) } } }),
          }),
          signal(deadline),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        return fail(`writing ${id}`, error);
      }
    },
  };
}
