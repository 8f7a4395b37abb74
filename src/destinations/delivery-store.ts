import type { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AWS_CLIENT_OPTIONS } from '../aws-clients.ts';
import { DEFAULT_DELIVERY_TTL_SECONDS, type DeliveryStore } from './idempotent.ts';

/** Options shared by both stores. */
export interface DeliveryStoreOptions {
  readonly expiresAfterSeconds?: number;
  /** The Lambda may run this long past our deadline (the deadline margin): the in-progress record lasts that long too. */
  readonly graceMs?: number;
}

/**
 * Delivery records in the DynamoDB table `tableName` (partition key `id`, TTL on `expiration`), through Powertools'
 * DynamoDBPersistenceLayer. The SDK finds its endpoint the standard way (AWS_ENDPOINT_URL_DYNAMODB in tests).
 */
export function createDynamoDeliveryStore(
  tableName: string,
  options: DeliveryStoreOptions & { client?: DynamoDBClient } = {},
): DeliveryStore {
  let layer: Promise<BasePersistenceLayer> | undefined;
  return {
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_DELIVERY_TTL_SECONDS,
    graceMs: options.graceMs ?? 0,
    persistence() {
      layer ??= (async () => {
        // Loaded on first post only: the SDK ships with the runtime, but parsing it still costs cold-start time.
        const [{ DynamoDBPersistenceLayer }, { DynamoDBClient }] = await Promise.all([
          import('@aws-lambda-powertools/idempotency/dynamodb'),
          import('@aws-sdk/client-dynamodb'),
        ]);
        const client = options.client ?? new DynamoDBClient(AWS_CLIENT_OPTIONS);
        return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
      })().catch((error: unknown) => {
        layer = undefined;
        throw error;
      });
      return layer;
    },
  };
}

/**
 * Delivery records in this container's memory, for local runs without IDEMPOTENCY_TABLE: duplicates are suppressed
 * only within one warm container (a Lambda scale-out or cold start forgets them). Same conditions as the DynamoDB layer.
 */
export function createMemoryDeliveryStore(options: DeliveryStoreOptions = {}): DeliveryStore {
  let layer: Promise<BasePersistenceLayer> | undefined;
  return {
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_DELIVERY_TTL_SECONDS,
    graceMs: options.graceMs ?? 0,
    persistence() {
      layer ??= memoryLayer();
      return layer;
    },
  };
}

async function memoryLayer(): Promise<BasePersistenceLayer> {
  const [{ BasePersistenceLayer }, { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError }] =
    await Promise.all([
      import('@aws-lambda-powertools/idempotency/persistence'),
      import('@aws-lambda-powertools/idempotency'),
    ]);

  class MemoryPersistenceLayer extends BasePersistenceLayer {
    readonly #records = new Map<string, IdempotencyRecord>();

    protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
      const existing = this.#records.get(record.idempotencyKey);
      // The DynamoDB layer's condition: absent, or expired, or in progress past its in-progress expiry.
      const now = Date.now();
      const free =
        existing === undefined ||
        (existing.expiryTimestamp !== undefined && existing.expiryTimestamp < now / 1000) ||
        (existing.getStatus() === 'INPROGRESS' &&
          existing.inProgressExpiryTimestamp !== undefined &&
          existing.inProgressExpiryTimestamp < now);
      if (!free) {
        throw new IdempotencyItemAlreadyExistsError(
          `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
          existing,
        );
      }
      this.#records.set(record.idempotencyKey, record);
      // Expired records are dropped as new ones arrive, so a long-lived container does not grow without bound.
      if (this.#records.size > 1_000) {
        for (const [key, value] of this.#records) if (value.isExpired()) this.#records.delete(key);
      }
    }

    protected override async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
      const record = this.#records.get(idempotencyKey);
      if (record === undefined) throw new IdempotencyItemNotFoundError();
      return record;
    }

    protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
      this.#records.set(record.idempotencyKey, record);
    }

    protected override async _deleteRecord(record: IdempotencyRecord): Promise<void> {
      this.#records.delete(record.idempotencyKey);
    }
  }
  return new MemoryPersistenceLayer();
}
