import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDynamoDeliveryStore } from '../../../src/destinations/delivery-store.ts';

/** One DynamoDB call as the server saw it: the operation (X-Amz-Target) and its JSON body. */
interface DynamoCall {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A DynamoDB JSON-protocol endpoint on 127.0.0.1 answering each call with the next scripted reply (else `{}`). */
async function dynamoEndpoint(replies: { status: number; body: unknown }[] = []) {
  const calls: DynamoCall[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      calls.push({
        operation: target.replace('DynamoDB_20120810.', ''),
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      const reply = replies.shift() ?? { status: 200, body: {} };
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return { calls, client };
}

/** The body of a call the test expects to have happened. */
function bodyOf<T>(call: DynamoCall | undefined): T {
  if (call === undefined) throw new Error('the store made fewer calls than expected');
  return call.body as T;
}

/** Store options whose client is made (read) on demand and counted; the first making fails with `failure` if given. */
function madeClient(client: DynamoDBClient, failure?: Error) {
  const made = { count: 0 };
  const options = {
    get client() {
      made.count += 1;
      if (failure !== undefined && made.count === 1) throw failure;
      return client;
    },
  };
  return { made, options };
}

const conditionFailed = (item?: Record<string, unknown>) => ({
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
    ...(item ? { Item: item } : {}),
  },
});

describe('createDynamoDeliveryStore', () => {
  it('claims with a conditional put in Powertools’ record layout', async () => {
    const { calls, client } = await dynamoEndpoint();
    const store = createDynamoDeliveryStore('deliveries', { client, expiresAfterSeconds: 3_600 });
    const before = Date.now();

    const claim = await store.claim('delivery#abc', 1_800_000_000_123.7);

    expect(claim).toEqual({ state: 'claimed' });
    const [put] = calls;
    expect(put?.operation).toBe('PutItem');
    const body = put?.body as {
      Item: Record<string, Record<string, string>>;
      ExpressionAttributeValues: Record<string, Record<string, string>>;
    } & Record<string, unknown>;
    expect(body.TableName).toBe('deliveries');
    expect(body.Item.id).toEqual({ S: 'delivery#abc' });
    expect(body.Item.status).toEqual({ S: 'INPROGRESS' });
    expect(body.Item.in_progress_expiration).toEqual({ N: '1800000000123' });
    const expiry = Number(body.Item.expiration?.N);
    expect(expiry).toBeGreaterThanOrEqual(Math.round(before / 1000 + 3_600));
    expect(expiry).toBeLessThanOrEqual(Math.round(Date.now() / 1000 + 3_600));
    expect(body.ConditionExpression).toBe(
      'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
    );
    expect(body.ExpressionAttributeNames).toEqual({
      '#id': 'id',
      '#expiry': 'expiration',
      '#status': 'status',
      '#in_progress_expiry': 'in_progress_expiration',
    });
    expect(body.ExpressionAttributeValues[':inprogress']).toEqual({ S: 'INPROGRESS' });
    const nowMs = Number(body.ExpressionAttributeValues[':now_in_millis']?.N);
    expect(nowMs).toBeGreaterThanOrEqual(before);
    expect(Number(body.ExpressionAttributeValues[':now']?.N)).toBe(nowMs / 1000);
    expect(body.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('keeps a record a day by default', async () => {
    const { calls, client } = await dynamoEndpoint();
    const before = Date.now();

    await createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now());

    const item = bodyOf<{ Item: Record<string, { N?: string }> }>(calls[0]).Item;
    expect(Number(item.expiration?.N)).toBeGreaterThanOrEqual(Math.round(before / 1000 + 86_400));
    expect(Number(item.expiration?.N)).toBeLessThanOrEqual(Math.round(Date.now() / 1000 + 86_400));
  });

  it('reports a completed record as delivered with its time, from the item the refusal returns', async () => {
    const { calls, client } = await dynamoEndpoint([
      conditionFailed({
        id: { S: 'delivery#abc' },
        status: { S: 'COMPLETED' },
        data: { M: { sentAt: { S: 'then' } } },
      }),
    ]);

    const claim = await createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now());

    expect(claim).toEqual({ state: 'delivered', sentAt: 'then' });
    expect(calls.map((c) => c.operation)).toEqual(['PutItem']);
  });

  it('reports a record held by another invocation as in progress', async () => {
    const { client } = await dynamoEndpoint([
      conditionFailed({ id: { S: 'delivery#abc' }, status: { S: 'INPROGRESS' } }),
    ]);

    const claim = await createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now());

    expect(claim).toEqual({ state: 'in-progress' });
  });

  it('reads the record with a consistent read when the refusal does not return it', async () => {
    const { calls, client } = await dynamoEndpoint([
      conditionFailed(),
      { status: 200, body: { Item: { id: { S: 'delivery#abc' }, status: { S: 'COMPLETED' } } } },
    ]);

    const claim = await createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now());

    expect(claim).toEqual({ state: 'delivered', sentAt: undefined });
    expect(calls[1]).toEqual({
      operation: 'GetItem',
      body: { TableName: 'deliveries', Key: { id: { S: 'delivery#abc' } }, ConsistentRead: true },
    });
  });

  it('calls a record gone between the two calls in progress (someone is retrying it)', async () => {
    const { client } = await dynamoEndpoint([conditionFailed(), { status: 200, body: {} }]);

    const claim = await createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now());

    expect(claim).toEqual({ state: 'in-progress' });
  });

  it('calls a record without a status in progress rather than failing', async () => {
    const { client } = await dynamoEndpoint([conditionFailed({ id: { S: 'delivery#abc' } })]);

    const claim = await createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now());

    expect(claim).toEqual({ state: 'in-progress' });
  });

  it('reports a completed record whose data holds no send time as delivered at an unknown time', async () => {
    const { client } = await dynamoEndpoint([
      conditionFailed({ id: { S: 'delivery#a' }, status: { S: 'COMPLETED' }, data: { M: {} } }),
      conditionFailed({ id: { S: 'delivery#b' }, status: { S: 'COMPLETED' }, data: { S: '{"ok":true}' } }),
    ]);
    const store = createDynamoDeliveryStore('deliveries', { client });

    const claims = [await store.claim('delivery#a', Date.now()), await store.claim('delivery#b', Date.now())];

    expect(claims).toEqual([
      { state: 'delivered', sentAt: undefined },
      { state: 'delivered', sentAt: undefined },
    ]);
  });

  it('rethrows any other failure of the put', async () => {
    const { client } = await dynamoEndpoint([
      {
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'no table' },
      },
    ]);

    await expect(
      createDynamoDeliveryStore('deliveries', { client }).claim('delivery#abc', Date.now()),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('completes a record with its send time and a fresh expiry, and releases it with a delete', async () => {
    const { calls, client } = await dynamoEndpoint();
    const store = createDynamoDeliveryStore('deliveries', { client, expiresAfterSeconds: 60 });
    const before = Date.now();

    await store.complete('delivery#abc', '2026-11-30T01:00:00.000Z');
    await store.release('delivery#abc');

    const [update, remove] = calls;
    const values = bodyOf<{ ExpressionAttributeValues: Record<string, unknown> }>(update).ExpressionAttributeValues;
    expect(update?.operation).toBe('UpdateItem');
    expect(update?.body).toMatchObject({
      TableName: 'deliveries',
      Key: { id: { S: 'delivery#abc' } },
      UpdateExpression: 'SET #expiry = :expiry, #status = :status, #data = :data',
      ExpressionAttributeNames: { '#expiry': 'expiration', '#status': 'status', '#data': 'data' },
    });
    expect(values[':status']).toEqual({ S: 'COMPLETED' });
    expect(values[':data']).toEqual({ M: { sentAt: { S: '2026-11-30T01:00:00.000Z' } } });
    expect(Number((values[':expiry'] as { N: string }).N)).toBeGreaterThanOrEqual(Math.round(before / 1000 + 60));
    expect(remove).toEqual({
      operation: 'DeleteItem',
      body: { TableName: 'deliveries', Key: { id: { S: 'delivery#abc' } } },
    });
  });

  it('makes its client on prepare(), before the first claim, and only once', async () => {
    const { calls, client } = await dynamoEndpoint();
    const { made, options } = madeClient(client);
    const store = createDynamoDeliveryStore('deliveries', options);

    store.prepare();
    await vi.waitFor(() => expect(made.count).toBe(1));
    await store.claim('delivery#abc', Date.now());

    expect(made.count).toBe(1);
    expect(calls.map((c) => c.operation)).toEqual(['PutItem']);
  });

  it('fails a claim with the error of a client it could not make, and tries again on the next call', async () => {
    const { client } = await dynamoEndpoint();
    const { made, options } = madeClient(client, new Error('no region configured'));
    const store = createDynamoDeliveryStore('deliveries', options);

    await expect(store.claim('delivery#abc', Date.now())).rejects.toThrow('no region configured');
    const again = await store.claim('delivery#abc', Date.now());

    expect(again).toEqual({ state: 'claimed' });
    expect(made.count).toBe(2);
  });

  it('swallows a failure to make the client on prepare(), and the first claim tries again', async () => {
    const { client } = await dynamoEndpoint();
    const { made, options } = madeClient(client, new Error('no region configured'));
    const store = createDynamoDeliveryStore('deliveries', options);

    store.prepare();
    await vi.waitFor(() => expect(made.count).toBe(1));
    const claim = await store.claim('delivery#abc', Date.now());

    expect(claim).toEqual({ state: 'claimed' });
    expect(made.count).toBe(2);
  });

  it('keeps no grace by default, and the grace it is given', () => {
    expect(createDynamoDeliveryStore('t').graceMs).toBe(0);
    expect(createDynamoDeliveryStore('t', { graceMs: 3_000 }).graceMs).toBe(3_000);
  });
});
