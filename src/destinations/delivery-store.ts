import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_OPTIONS } from '../aws-clients.ts';

/** How long a sent record suppresses duplicates by default: longer than an async invoke's 6-hour maximum event age. */
export const DEFAULT_DELIVERY_TTL_SECONDS = 24 * 60 * 60;

/** What a claim found: the delivery is ours to make, was already made, or another invocation is making it now. */
export type Claim =
  | { readonly state: 'claimed' }
  | { readonly state: 'delivered'; readonly sentAt: string | undefined }
  | { readonly state: 'in-progress' };

/**
 * Delivery records, one per (session, destination, outcome): a conditional claim before the post, completed after
 * it, released when nothing was posted. The record layout is Powertools Idempotency's (`id`, `status`, `expiration`
 * in epoch seconds, `in_progress_expiration` in epoch ms, `data`), so records written by earlier versions still count.
 */
export interface DeliveryStore {
  /**
   * Takes the record when it is absent, expired, or left in progress past its in-progress expiry; the claim itself
   * stays in progress until `inProgressUntilMs` (epoch ms), after which another invocation may take it over.
   */
  claim(id: string, inProgressUntilMs: number): Promise<Claim>;
  /** Marks the delivery made, suppressing duplicates for the store's time to live. */
  complete(id: string, sentAt: string): Promise<void>;
  /** Forgets the claim: nothing was posted, so the next attempt may post. */
  release(id: string): Promise<void>;
  /** Starts loading what the store needs (the SDK), so the first claim does not wait for it. */
  prepare(): void;
  /** Kept on top of the deadline for the in-progress expiry (the Lambda may run past our deadline by this much). */
  readonly graceMs: number;
}

/** Options shared by both stores. */
export interface DeliveryStoreOptions {
  readonly expiresAfterSeconds?: number;
  readonly graceMs?: number;
}

// One shared prefix instead of the function name, so a renamed or re-versioned function keeps its records.
const KEY_PREFIX = 'delivery';

/** The record ID of a delivery: prefix # base64(md5(JSON with sorted keys)), as Powertools derives it. */
export function deliveryRecordId(key: {
  appliance?: string | undefined;
  sessionId: string;
  destination: string;
  outcome: string;
}): string {
  const { appliance, destination, outcome, sessionId } = key;
  const sorted = JSON.stringify({ ...(appliance === undefined ? {} : { appliance }), destination, outcome, sessionId });
  return `${KEY_PREFIX}#${createHash('md5').update(sorted).digest('base64')}`;
}

const expirySeconds = (ttlSeconds: number): number => Math.round(Date.now() / 1000 + ttlSeconds);

/**
 * Delivery records in the DynamoDB table `tableName` (partition key `id`, TTL on `expiration`). The SDK is loaded on
 * first use and finds its endpoint the standard way (AWS_ENDPOINT_URL_DYNAMODB in tests).
 */
export function createDynamoDeliveryStore(
  tableName: string,
  options: DeliveryStoreOptions & { client?: DynamoDBClient } = {},
): DeliveryStore {
  const ttlSeconds = options.expiresAfterSeconds ?? DEFAULT_DELIVERY_TTL_SECONDS;
  let sdk: Promise<DynamoSdk> | undefined;
  const load = () => {
    sdk ??= import('@aws-sdk/client-dynamodb')
      .then((module) => ({ sdk: module, client: options.client ?? new module.DynamoDBClient(AWS_CLIENT_OPTIONS) }))
      .catch((error: unknown) => {
        sdk = undefined;
        throw error;
      });
    return sdk;
  };
  return {
    graceMs: options.graceMs ?? 0,
    prepare: () => void load().catch(() => undefined),
    claim: async (id, inProgressUntilMs) =>
      claimRecord(await load(), tableName, id, {
        expiresAtS: expirySeconds(ttlSeconds),
        inProgressUntilMs,
      }),
    async complete(id, sentAt) {
      const { sdk, client } = await load();
      await client.send(
        new sdk.UpdateItemCommand({
          TableName: tableName,
          Key: key(id),
          UpdateExpression: 'SET #expiry = :expiry, #status = :status, #data = :data',
          ExpressionAttributeNames: { '#expiry': 'expiration', '#status': 'status', '#data': 'data' },
          ExpressionAttributeValues: {
            ':expiry': { N: String(expirySeconds(ttlSeconds)) },
            ':status': { S: 'COMPLETED' },
            ':data': { M: { sentAt: { S: sentAt } } },
          },
        }),
      );
    },
    async release(id) {
      const { sdk, client } = await load();
      await client.send(new sdk.DeleteItemCommand({ TableName: tableName, Key: key(id) }));
    },
  };
}

type DynamoSdk = { sdk: typeof import('@aws-sdk/client-dynamodb'); client: DynamoDBClient };

const key = (id: string) => ({ id: { S: id } });

/** The conditional put of a claim, as Powertools' DynamoDB layer makes it; a refusal says what holds the record. */
async function claimRecord(
  { sdk, client }: DynamoSdk,
  tableName: string,
  id: string,
  times: { readonly expiresAtS: number; readonly inProgressUntilMs: number },
): Promise<Claim> {
  const now = Date.now();
  try {
    await client.send(
      new sdk.PutItemCommand({
        TableName: tableName,
        Item: {
          ...key(id),
          status: { S: 'INPROGRESS' },
          expiration: { N: String(times.expiresAtS) },
          in_progress_expiration: { N: String(Math.floor(times.inProgressUntilMs)) },
        },
        ConditionExpression:
          'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
        ExpressionAttributeNames: {
          '#id': 'id',
          '#expiry': 'expiration',
          '#status': 'status',
          '#in_progress_expiry': 'in_progress_expiration',
        },
        ExpressionAttributeValues: {
          ':now': { N: String(now / 1000) },
          ':now_in_millis': { N: String(now) },
          ':inprogress': { S: 'INPROGRESS' },
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { state: 'claimed' };
  } catch (error) {
    if (!(error instanceof sdk.ConditionalCheckFailedException)) throw error;
    // Servers that do not return the old item on a failed condition (dynalite) are asked for it.
    const item =
      error.Item ??
      (await client.send(new sdk.GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }))).Item;
    // Gone between the two calls (deleted after a failed post): someone else is retrying it right now.
    if (item?.status?.S !== 'COMPLETED') return { state: 'in-progress' };
    return { state: 'delivered', sentAt: item.data?.M?.sentAt?.S };
  }
}

interface MemoryRecord {
  status: 'INPROGRESS' | 'COMPLETED';
  expiresMs: number;
  inProgressUntilMs: number;
  sentAt: string | undefined;
}

/** The in-memory store, which also says how many records it holds (expired ones until they are dropped). */
export interface MemoryDeliveryStore extends DeliveryStore {
  readonly size: number;
}

/**
 * Delivery records in this container's memory, for local runs without IDEMPOTENCY_TABLE: duplicates are suppressed
 * only within one warm container (a Lambda scale-out or cold start forgets them). Same conditions as the DynamoDB store.
 */
export function createMemoryDeliveryStore(options: DeliveryStoreOptions = {}): MemoryDeliveryStore {
  const ttlMs = (options.expiresAfterSeconds ?? DEFAULT_DELIVERY_TTL_SECONDS) * 1000;
  const records = new Map<string, MemoryRecord>();
  return {
    get size() {
      return records.size;
    },
    graceMs: options.graceMs ?? 0,
    prepare: () => undefined,
    async claim(id, inProgressUntilMs) {
      const now = Date.now();
      const existing = records.get(id);
      const free =
        existing === undefined ||
        existing.expiresMs < now ||
        (existing.status === 'INPROGRESS' && existing.inProgressUntilMs < now);
      if (!free) {
        return existing.status === 'COMPLETED'
          ? { state: 'delivered', sentAt: existing.sentAt }
          : { state: 'in-progress' };
      }
      records.set(id, { status: 'INPROGRESS', expiresMs: now + ttlMs, inProgressUntilMs, sentAt: undefined });
      // Expired records are dropped as new ones arrive, so a long-lived container does not grow without bound.
      if (records.size > 1_000) for (const [k, r] of records) if (r.expiresMs < now) records.delete(k);
      return { state: 'claimed' };
    },
    async complete(id, sentAt) {
      const record = records.get(id);
      if (record) Object.assign(record, { status: 'COMPLETED', expiresMs: Date.now() + ttlMs, sentAt });
    },
    async release(id) {
      records.delete(id);
    },
  };
}
