// The policy memory's cost: DynamoDB reads and writes per notification, and cold and warm notification latency with
// HISTORY_TABLE beside the in-memory history store (the floor), both as deployed (delivery records in IDEMPOTENCY_TABLE),
// against dynalite on loopback, in the same run.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { sampleFromLog, sampleLog } from '../src/dev/sample-sessions.ts';
import { startWebhookSink } from '../src/dev/webhook-sink.ts';

const USER = { username: 'bench-history', password: 'bench-history-Passw0rd-1' };
const TABLE = 'bench-history';
const DELIVERIES = 'bench-deliveries';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** Wall time of a whole `node` process, in ms. */
function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`exited with ${code}`)),
    );
  });
}

/** A warm child holding the product bundle: each call is one notification, answered with its wall time. */
async function warmChild(childModule: string, product: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = fork(childModule, [product], {
    env,
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve) =>
      child.once('message', (m) => resolve(m as Record<string, unknown>)),
    );
  await next();
  return {
    async invoke(sessionId: string): Promise<number> {
      const reply = next();
      child.send({ type: 'invoke', event: { sessionId } });
      const result = await reply;
      if (result.error !== undefined) throw new Error(`history bench: session ${sessionId}: ${String(result.error)}`);
      return Number(result.ms);
    },
    stop: () => child.send({ type: 'exit' }),
  };
}

/** Runs the history measurements; `pairs` interleaved rounds per figure. */
export async function benchHistory(options: { pairs: number; product: string; child: string }) {
  const seed = sampleLog('38').log ?? [];
  const sessions = Array.from({ length: 4 * options.pairs + 10 }, (_, i) =>
    sampleFromLog(String(880_000 + i), 'Bench-History-Policy', seed.length, () => seed),
  );
  let next = 0;
  const fresh = () => String(880_000 + next++);
  const emulator = await startApplianceEmulator({ users: [USER], sessions });
  const sink = await startWebhookSink();
  const server = dynalite({ createTableMs: 0 });
  const calls: string[] = [];
  server.on('request', (req: { headers: Record<string, string | undefined> }) =>
    calls.push(String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? ''),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
  });
  for (const name of [TABLE, DELIVERIES]) {
    await admin.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  calls.length = 0;

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    BACKUP_API_URL: emulator.url,
    BACKUP_API_USERNAME: USER.username,
    BACKUP_API_PASSWORD: USER.password,
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_NO_WARNINGS: '1',
    IDEMPOTENCY_TABLE: DELIVERIES,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  };
  const dynamoEnv = { ...env, HISTORY_TABLE: TABLE };

  const cold = { memory: [] as number[], dynamo: [] as number[] };
  for (let i = 0; i < options.pairs; i++) {
    const bare = await timeProcess(['-e', '0'], env);
    const once = (e: NodeJS.ProcessEnv) =>
      timeProcess([options.child, options.product, 'once', JSON.stringify({ sessionId: fresh() })], e);
    cold.memory.push((await once(env)) - bare);
    cold.dynamo.push((await once(dynamoEnv)) - bare);
  }

  const memory = await warmChild(options.child, options.product, env);
  const dynamo = await warmChild(options.child, options.product, dynamoEnv);
  await memory.invoke(fresh());
  await dynamo.invoke(fresh());
  const warm = { memory: [] as number[], dynamo: [] as number[] };
  // Calls made during each variant's notifications: the difference is the history's (the rest are delivery records).
  const seen = { memory: [] as string[], dynamo: [] as string[] };
  const timed = async (variant: 'memory' | 'dynamo', child: typeof memory) => {
    const before = calls.length;
    warm[variant].push(await child.invoke(fresh()));
    seen[variant].push(...calls.slice(before));
  };
  for (let i = 0; i < options.pairs; i++) {
    await timed('memory', memory);
    await timed('dynamo', dynamo);
  }
  const count = (op: string, list: readonly string[]) => list.filter((c) => c === op).length;
  const perRun = (op: string) => round((count(op, seen.dynamo) - count(op, seen.memory)) / options.pairs, 2);
  const redelivered = String(880_000 + next - 1);
  const beforeRedelivery = calls.length;
  await dynamo.invoke(redelivered);
  const redelivery = calls.slice(beforeRedelivery);
  memory.stop();
  dynamo.stop();
  admin.destroy();
  await Promise.all([emulator.close(), sink.close(), new Promise((resolve) => server.close(resolve))]);

  return {
    method: `${options.pairs} interleaved rounds, both with delivery records in DynamoDB; floor = in-memory history store; dynalite on loopback (real DynamoDB adds its in-region round trips)`,
    historyCallsPerNotification: { reads: perRun('GetItem'), writes: perRun('PutItem'), updates: perRun('UpdateItem') },
    deliveryRecordCallsPerNotification: round(seen.memory.length / options.pairs, 2),
    redeliveryAllCalls: { reads: count('GetItem', redelivery), writes: count('PutItem', redelivery) },
    coldInvocationMs: {
      memory: round(median(cold.memory)),
      dynamo: round(median(cold.dynamo)),
      ratio: round(median(cold.dynamo) / median(cold.memory), 2),
    },
    warmInvocationMs: {
      memory: round(median(warm.memory), 2),
      dynamo: round(median(warm.dynamo), 2),
      ratio: round(median(warm.dynamo) / median(warm.memory), 2),
    },
  };
}
