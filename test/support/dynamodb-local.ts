import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/** A DynamoDB-compatible server (dynalite) on 127.0.0.1, port 0, in memory. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_DYNAMODB. */
  readonly endpoint: string;
  /** A client pointed at it (explicitly, for the test's own reads). */
  readonly client: DynamoDBClient;
  /** Creates the idempotency table as serverless.yml does: partition key `id` (string), on-demand. */
  createTable(name: string): Promise<void>;
  /** Every item of `table`, unmarshalled shallowly to { attribute: value }. */
  items(table: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Starts dynalite with tables created instantly. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  return {
    endpoint,
    client,
    async createTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    },
    async items(table) {
      const result = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      return (result.Items ?? []).map((item) =>
        Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value.S ?? value.N ?? value.M ?? value])),
      );
    },
    async close() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
