// The policy memory's cost: DynamoDB reads and writes per notification, and cold and warm notification latency with
// HISTORY_TABLE beside the in-memory history store (the floor), both deployed-shaped (delivery records in DynamoDB,
// every hop delayed like an in-region call), in the same run.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { sampleFromLog, sampleLog } from '../src/dev/sample-sessions.ts';
import { startWebhookSink } from '../src/dev/webhook-sink.ts';
import { startProductChild } from './processes.ts';
import type { NodeRuntime } from './runtimes.ts';
import { median, round } from './stats.ts';
import { startRecordingProxy, type Trip } from './trips.ts';

const USER = { username: 'bench-history', password: 'bench-history-Passw0rd-1' };
const TABLES = { history: 'bench-history', deliveries: 'bench-history-deliveries' };

/** DynamoDB on loopback (dynalite), counting each call by its operation (GetItem, PutItem, …). */
async function countingDynamo() {
  const server = dynalite({ createTableMs: 0 });
  const calls: string[] = [];
  server.on('request', (req: { headers: Record<string, string | undefined> }) =>
    calls.push(String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? ''),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  for (const TableName of Object.values(TABLES)) {
    await admin.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  admin.destroy();
  calls.length = 0;
  return { endpoint, calls, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Runs the history figures: `rounds` interleaved pairs per figure, every hop delayed `latencyMs`. */
export async function benchHistory(options: {
  rounds: number;
  module: string;
  runtime: NodeRuntime;
  latencyMs: number;
  /** Where a wrong call count is reported (the smoke run fails on it). */
  failures: string[];
}) {
  const seed = sampleLog('38').log ?? [];
  const sessions = Array.from({ length: 6 * options.rounds + 10 }, (_, i) =>
    sampleFromLog(String(880_000 + i), 'Bench-History-Policy', seed.length, () => seed),
  );
  let next = 0;
  const fresh = () => String(880_000 + next++);
  const emulator = await startApplianceEmulator({ users: [USER], sessions });
  const sink = await startWebhookSink();
  const dynamo = await countingDynamo();
  const trips: Trip[] = [];
  const proxies = {
    appliance: await startRecordingProxy('appliance', emulator.url, options.latencyMs, trips),
    sink: await startRecordingProxy('sink', sink.url, options.latencyMs, trips),
    dynamodb: await startRecordingProxy('dynamodb', dynamo.endpoint, options.latencyMs, trips),
  };
  const floor: NodeJS.ProcessEnv = {
    BACKUP_API_URL: proxies.appliance.url,
    BACKUP_API_USERNAME: USER.username,
    BACKUP_API_PASSWORD: USER.password,
    SLACK_WEBHOOK_URL: proxies.sink.url + new URL(sink.urlFor('slack')).pathname,
    IDEMPOTENCY_TABLE: TABLES.deliveries,
    AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.url,
  };
  const variants = { memory: floor, dynamo: { ...floor, HISTORY_TABLE: TABLES.history } };
  const start = (env: NodeJS.ProcessEnv) => startProductChild(options.module, options.runtime, env);
  const run = async (child: Awaited<ReturnType<typeof start>>, sessionId: string) => {
    const result = await child.invoke(sessionId);
    if (result.error !== undefined) throw new Error(`history bench: session ${sessionId}: ${result.error}`);
    return result.ms;
  };

  // Cold: the first notification of a fresh process (same bundle and import in both, so only the invocation differs).
  const cold = { memory: [] as number[], dynamo: [] as number[] };
  for (let i = 0; i < options.rounds; i++) {
    for (const variant of ['memory', 'dynamo'] as const) {
      const child = await start(variants[variant]);
      cold[variant].push(await run(child, fresh()));
      child.stop();
    }
  }
  // Warm: interleaved notifications in two warm children; the calls each makes are counted per variant.
  const children = { memory: await start(variants.memory), dynamo: await start(variants.dynamo) };
  await run(children.memory, fresh());
  await run(children.dynamo, fresh());
  const warm = { memory: [] as number[], dynamo: [] as number[] };
  const seen = { memory: [] as string[], dynamo: [] as string[] };
  for (let i = 0; i < options.rounds; i++) {
    for (const variant of ['memory', 'dynamo'] as const) {
      const before = dynamo.calls.length;
      warm[variant].push(await run(children[variant], fresh()));
      seen[variant].push(...dynamo.calls.slice(before));
    }
  }
  const beforeRedelivery = dynamo.calls.length;
  await run(children.dynamo, String(880_000 + next - 1));
  const redelivery = dynamo.calls.slice(beforeRedelivery);
  children.memory.stop();
  children.dynamo.stop();
  await Promise.all([emulator.close(), sink.close(), dynamo.close(), ...Object.values(proxies).map((p) => p.close())]);

  const count = (op: string, list: readonly string[]) => list.filter((c) => c === op).length;
  const extra = (op: string) => round((count(op, seen.dynamo) - count(op, seen.memory)) / options.rounds, 2);
  const calls = { reads: extra('GetItem'), writes: extra('PutItem'), other: extra('UpdateItem') };
  if (calls.reads !== 1 || calls.writes !== 1 || calls.other !== 0) {
    options.failures.push(`history: expected 1 read and 1 write per notification, saw ${JSON.stringify(calls)}`);
  }
  const figure = (values: { memory: number[]; dynamo: number[] }) => ({
    memory: round(median(values.memory)),
    dynamo: round(median(values.dynamo)),
    ratio: round(median(values.dynamo) / median(values.memory), 2),
  });
  return {
    method: `${options.runtime.name}, median of ${options.rounds} interleaved rounds; both with delivery records in DynamoDB (dynalite), every hop delayed ${options.latencyMs} ms; floor = in-memory history store`,
    historyCallsPerNotification: calls,
    deliveryRecordCallsPerNotification: round(seen.memory.length / options.rounds, 2),
    redeliveryCalls: { reads: count('GetItem', redelivery), writes: count('PutItem', redelivery) },
    coldInvocationMs: figure(cold),
    warmInvocationMs: figure(warm),
  };
}
