// `npm start -- --watch --appliances 3`: a local fleet through the production fan-out path. The scheduled run puts one
// watch task per appliance on an in-process queue, and each task runs the real worker handler, as SQS would invoke it.
// The appliances take turns being Backup for Azure, Backup & Replication and Backup for AWS emulators.
import { randomUUID } from 'node:crypto';
import { createLogger } from '../logger.ts';
import { noMetrics } from '../metrics.ts';
import { createWatcherHandler, createWatcherRuntime } from '../watcher/runtime.ts';
import { createMemoryStateStores } from '../watcher/state-store.ts';
import { startApplianceEmulator } from './appliance-emulator.ts';
import type { VendorProduct } from './emulators/samples.ts';
import { startVendorEmulator } from './emulators/vendor.ts';
import { describeDestinations, localEnv, needsSink, planLocalRun } from './local-env.ts';
import { createLocalWatchQueue } from './local-queue.ts';
import { localContext, toStderr } from './local-run.ts';
import { showPost } from './show-message.ts';
import { watchSample } from './watch-samples.ts';
import { type RecordedPost, startWebhookSink } from './webhook-sink.ts';

const USER = { username: 'local-fleet', password: 'local-only-password' };
const MINUTE = 60_000;
const PRODUCTS = ['azure', 'vbr', 'aws'] as const;
const OUTCOMES = ['success', 'warning', 'failed', 'success'] as const;

export interface LocalFleetOptions {
  readonly appliances: number;
  readonly steps: number;
  readonly intervalMs: number;
  readonly json: boolean;
}

/** One emulated appliance of the local fleet: its address, and how a newly finished session is added to it. */
interface LocalAppliance {
  readonly name: string;
  readonly product: (typeof PRODUCTS)[number];
  readonly url: string;
  finish(outcome: (typeof OUTCOMES)[number], minutesAgo: number): void;
  close(): Promise<void>;
}

async function startLocalAppliance(index: number): Promise<LocalAppliance> {
  const product = PRODUCTS[index % PRODUCTS.length] ?? 'azure';
  const name = `${product}-${index + 1}`;
  const policy = `Nightly-${name}`;
  if (product === 'azure') {
    const emulator = await startApplianceEmulator({ users: [USER], sessions: [] });
    let next = (index + 1) * 100;
    const STATUS = { success: 'Success', warning: 'Warning', failed: 'Error' } as const;
    return {
      name,
      product,
      url: emulator.url,
      finish: (outcome, minutesAgo) => {
        const startMs = Date.now() - minutesAgo * MINUTE;
        const spec = { id: String(++next), policyName: policy, startMs, stopMs: startMs + 5 * MINUTE };
        emulator.addSession(watchSample({ ...spec, status: STATUS[outcome] }));
      },
      close: () => emulator.close(),
    };
  }
  const emulator = await startVendorEmulator({ product: product as VendorProduct, users: [USER], samples: [] });
  return {
    name,
    product,
    url: emulator.url,
    finish: (outcome, minutesAgo) => {
      const startMs = Date.now() - minutesAgo * MINUTE;
      const steps = [{ status: outcome === 'success' ? 'ok' : outcome, text: `Processing ${policy}` } as const];
      emulator.addSession({ id: randomUUID(), name: policy, outcome, startMs, endMs: startMs + 5 * MINUTE, steps });
    },
    close: () => emulator.close(),
  };
}

/** Runs `steps` scheduled ticks over `appliances` emulated appliances; returns how many ticks failed. */
export async function runLocalFleetWatch(options: LocalFleetOptions): Promise<number> {
  const appliances = await Promise.all(Array.from({ length: options.appliances }, (_, i) => startLocalAppliance(i)));
  for (const appliance of appliances) {
    appliance.finish('success', 40);
    appliance.finish('failed', 30);
  }
  // The user's own appliance variables are left out: the fleet is the emulators.
  const given = Object.entries(process.env).filter(([key]) => !/^(BACKUP_|APPLIANCES)/.test(key));
  const plan = planLocalRun(Object.fromEntries(given));
  const show = (post: RecordedPost) => {
    console.log(`\n  ── ${post.name} receives ${'─'.repeat(40)}`);
    console.log(options.json ? JSON.stringify(post.json, null, 2) : showPost(post));
  };
  const sink = needsSink(plan) ? await startWebhookSink({ onPost: show }) : undefined;
  // Backup for AWS names its sessions from revision 1.2-rev0 on; the default 1.0-rev0 would show "Unknown job".
  const fleet = appliances.map(({ name, product, url }) => ({
    name,
    product,
    url,
    ...(product === 'aws' ? { version: '1.2-rev0' } : {}),
    ...USER,
  }));
  const env = localEnv(plan, {
    ...(sink ? { sinkUrlFor: (name: string) => sink.urlFor(name) } : {}),
    extra: { APPLIANCES: JSON.stringify(fleet) },
  });
  let handler: ReturnType<typeof createWatcherHandler> | undefined;
  const queue = createLocalWatchQueue({
    worker: (event, context) => (handler ? handler(event, context) : Promise.reject(new Error('not ready'))),
    concurrency: 10,
    budgetMs: 60_000,
    onInvoke: (task, phase) => {
      if (phase === 'end') console.log(`  worker: ${task.appliance} watched`);
    },
  });
  const runtime = createWatcherRuntime(env, {
    logger: createLogger({ logLevel: 'ERROR', write: toStderr }),
    metrics: noMetrics,
    state: createMemoryStateStores(),
    queue,
  });
  handler = createWatcherHandler(() => runtime);
  console.log(
    `job-session-notifier fleet watcher: ${appliances.length} emulated appliances (${appliances.map((a) => a.name).join(', ')}), ` +
      `an in-process watch queue, destinations = ${describeDestinations(plan)}, state = in memory`,
  );
  let failures = 0;
  for (let step = 1; step <= options.steps; step++) {
    if (step > 1) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      appliances.forEach((a, i) => {
        a.finish(OUTCOMES[(step + i) % OUTCOMES.length] ?? 'success', 6);
      });
    }
    console.log(`\n▶ scheduled tick ${step}`);
    try {
      const context = localContext(`local-tick-${step}`, 'job-session-watcher-local', 60_000);
      console.log(`  ${JSON.stringify(await handler({ 'detail-type': 'Scheduled Event', detail: {} }, context))}`);
      const stats = await queue.drain();
      if (stats.deadLetters.length > 0) failures++;
      console.log(
        `  queue: ${stats.invocations} worker invocation(s) so far, dead letters: ${stats.deadLetters.length}`,
      );
    } catch (error) {
      failures++;
      console.log(`  ✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  await Promise.all([...appliances.map((a) => a.close()), sink?.close()]);
  return failures;
}
