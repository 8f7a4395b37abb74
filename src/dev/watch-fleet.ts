// `npm start -- --watch --appliances 3`: a local fleet through the production fan-out path. The scheduled run puts one
// watch task per appliance on an in-process queue, and each task runs the real worker handler, as SQS would invoke it.
import type { Context } from 'aws-lambda';
import { notifierEnv } from '../config/notifier.ts';
import { createLogger } from '../logger.ts';
import { createWatcherHandler, createWatcherRuntime } from '../watcher/runtime.ts';
import { createMemoryStateStores } from '../watcher/state-store.ts';
import { type ApplianceEmulator, startApplianceEmulator } from './appliance-emulator.ts';
import { createLocalWatchQueue } from './local-queue.ts';
import { hasRealDestinations } from './local-run.ts';
import { showSlack } from './show-message.ts';
import { watchSample } from './watch-samples.ts';
import { type RecordedPost, startWebhookSink } from './webhook-sink.ts';

const USER = { username: 'local-fleet', password: 'local-only-password' };
const MINUTE = 60_000;
// The emulator speaks the Azure dialect only until the per-product emulators land; then this list mixes products.
const PRODUCTS = ['azure', 'azure', 'azure'] as const;
const OUTCOMES = ['Success', 'Warning', 'Error', 'Success'];

export interface LocalFleetOptions {
  readonly appliances: number;
  readonly steps: number;
  readonly intervalMs: number;
  readonly json: boolean;
}

/** Runs `steps` scheduled ticks over `appliances` emulated appliances; returns how many ticks failed. */
export async function runLocalFleetWatch(options: LocalFleetOptions): Promise<number> {
  const real = notifierEnv();
  const now = Date.now();
  const names = Array.from({ length: options.appliances }, (_, i) => `${PRODUCTS[i % PRODUCTS.length]}-${i + 1}`);
  const emulators = await Promise.all(
    names.map((_, i) =>
      startApplianceEmulator({
        users: [USER],
        sessions: [
          watchSample(sample(`${i + 1}01`, 40, 'Success', now)),
          watchSample(sample(`${i + 1}02`, 30, 'Error', now)),
        ],
      }),
    ),
  );
  const show = (post: RecordedPost) => {
    if (post.name !== 'slack') return;
    console.log(`\n  ── Slack receives ${'─'.repeat(40)}`);
    console.log(options.json ? JSON.stringify(post.json, null, 2) : showSlack(post.json));
  };
  const sink = hasRealDestinations(real) ? undefined : await startWebhookSink({ onPost: show });
  const env = {
    APPLIANCES: JSON.stringify(
      names.map((name, i) => ({ name, product: PRODUCTS[i % PRODUCTS.length], url: emulators[i]?.url, ...USER })),
    ),
    ...(sink ? { SLACK_WEBHOOK_URL: sink.urlFor('slack'), TEAMS_WEBHOOK_URL: sink.urlFor('teams') } : {}),
    ...Object.fromEntries(Object.entries(real).filter(([key]) => !key.startsWith('BACKUP_API_'))),
  };
  let handler: ReturnType<typeof createWatcherHandler> | undefined;
  const starts = new Map<string, number>();
  const queue = createLocalWatchQueue({
    worker: (event, context) => (handler ? handler(event, context) : Promise.reject(new Error('not ready'))),
    concurrency: 10,
    budgetMs: 60_000,
    onInvoke: (task, phase) => {
      if (phase === 'start') starts.set(task.appliance, Date.now());
      else
        console.log(
          `  worker ${task.appliance}: done in ${Date.now() - (starts.get(task.appliance) ?? Date.now())} ms`,
        );
    },
  });
  const runtime = createWatcherRuntime(env, {
    logger: createLogger({ logLevel: 'ERROR' }),
    state: createMemoryStateStores(),
    queue,
  });
  handler = createWatcherHandler(() => runtime);
  console.log(
    `job-session-notifier fleet watcher: ${names.length} emulated appliances (${names.join(', ')}), an in-process watch queue, ` +
      `destinations = ${sink ? 'local sink (Slack printed below)' : 'real webhooks'}, state = in memory`,
  );
  let failures = 0;
  for (let step = 1; step <= options.steps; step++) {
    if (step > 1) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      grow(emulators, step);
    }
    console.log(`\n▶ scheduled tick ${step}`);
    const end = Date.now() + 60_000;
    const context = { awsRequestId: `local-tick-${step}`, getRemainingTimeInMillis: () => end - Date.now() } as Context;
    try {
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
  await Promise.all([...emulators.map((e) => e.close()), sink?.close()]);
  return failures;
}

function sample(id: string, minutesAgo: number, status: string, now: number) {
  const startMs = now - minutesAgo * MINUTE;
  return { id, policyName: `Nightly-${id.slice(0, -2)}`, startMs, stopMs: startMs + 5 * MINUTE, status };
}

/** Between ticks every appliance finishes one more session. */
function grow(emulators: readonly ApplianceEmulator[], step: number): void {
  const now = Date.now();
  emulators.forEach((emulator, i) => {
    emulator.addSession(
      watchSample(sample(`${i + 1}${step}0`, 1, OUTCOMES[(step + i) % OUTCOMES.length] ?? 'Success', now)),
    );
  });
}
