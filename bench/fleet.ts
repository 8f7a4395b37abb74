// `npm run bench -- --fleet`: one watch tick over a fleet (200 emulated appliances × 20 new sessions by default) through
// the real code: the scheduler (src) fans out onto an emulated queue, and warm worker processes running the bundled
// watcher (dist/watcher.mjs) take one appliance per message, like Lambda behind the SQS event source mapping.
// Reports wall time beside a floor measured in the same run (the same log reads and posts with bare fetch calls), API
// calls per appliance, peak RSS per worker and posts per destination, and checks every session was posted exactly once.
// `--smoke` runs 10 × 5. Writes bench/fleet-results.json.
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { Context } from 'aws-lambda';
import { type ApplianceEmulator, startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { watchSample } from '../src/dev/watch-samples.ts';
import { startWebhookSink } from '../src/dev/webhook-sink.ts';
import { createLogger } from '../src/logger.ts';
import type { WatchTask } from '../src/watcher/queue.ts';
import { createWatcherHandler, createWatcherRuntime } from '../src/watcher/runtime.ts';

const smoke = process.argv.includes('--smoke');
const APPLIANCES = smoke ? 10 : 200;
const SESSIONS = smoke ? 5 : 20;
// Workers at once: the event source mapping's maximumConcurrency (the deployment default is 10; this machine is small).
const WORKERS = smoke ? 2 : 4;
const BUDGET_MS = 120_000;
const root = new URL('..', import.meta.url).pathname;
const USER = { username: 'fleet-bench', password: 'fleet-bench-Passw0rd-1' };
const log = (text: string) => process.stderr.write(`${text}\n`);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

log('building the bundle (scripts/build.mjs)');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });

// ---- the fleet: one emulator per appliance, each with SESSIONS finished sessions (IDs repeat across appliances) -----
const now = Date.now();
const OUTCOMES = ['Success', 'Success', 'Warning', 'Error'];
const emulators: ApplianceEmulator[] = await Promise.all(
  Array.from({ length: APPLIANCES }, () =>
    startApplianceEmulator({
      users: [USER],
      staticTokens: ['fleet-floor-token'],
      cacheLogBodies: true,
      sessions: Array.from({ length: SESSIONS }, (_, s) => {
        const startMs = now - (50 - s) * 60_000;
        const status = OUTCOMES[s % OUTCOMES.length] ?? 'Success';
        return watchSample({
          id: String(1000 + s),
          policyName: `Policy-${s % 5}`,
          startMs,
          stopMs: startMs + 60_000,
          status,
        });
      }),
    }),
  ),
);
const names = emulators.map((_, i) => `appliance-${String(i + 1).padStart(3, '0')}`);
const sink = await startWebhookSink();
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  APPLIANCES: JSON.stringify(names.map((name, i) => ({ name, url: emulators[i]?.url, ...USER }))),
  TEAMS_WEBHOOK_URL: sink.urlFor('teams'),
  GENERIC_WEBHOOK_URL: sink.urlFor('generic'),
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  NOTIFIER_HTTP_TIMEOUT_MS: '10000',
};

// ---- floor: the same reads and posts with bare node:http calls (keep-alive), no notifier -----------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function call(url: string, method: 'GET' | 'POST', body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { authorization: 'Bearer fleet-floor-token' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function floorMs(): Promise<number> {
  const jobs = emulators.flatMap((e) =>
    Array.from({ length: SESSIONS }, (_, s) => ({ url: e.url, id: String(1000 + s) })),
  );
  let next = 0;
  const t = performance.now();
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job === undefined) return;
      // The log and the per-object results, in parallel, as the notifier reads them.
      const [body] = await Promise.all([
        call(`${job.url}/api/v1/jobSessions/${job.id}/log`, 'GET'),
        call(`${job.url}/api/v1/jobSessions/${job.id}/protectedItems?Offset=0&Limit=1000`, 'GET'),
      ]);
      await Promise.all(['floor-a', 'floor-b'].map((name) => call(sink.urlFor(name), 'POST', body.slice(0, 2000))));
    }
  };
  // The same parallelism as the workers: WORKERS appliances at a time, 4 sessions each (WATCH_CONCURRENCY).
  await Promise.all(Array.from({ length: WORKERS * 4 }, lane));
  return performance.now() - t;
}
log(
  `floor: ${APPLIANCES * SESSIONS} log and per-object reads and ${2 * APPLIANCES * SESSIONS} posts with bare node:http calls`,
);
// Twice, the faster counts: the first pass also pays for the emulators' first serialisation of each log.
const floor = Math.min(await floorMs(), await floorMs());
for (const e of emulators) e.reset();
sink.posts.length = 0;

// ---- workers: warm processes running dist/watcher.mjs, fed by the emulated queue -----------------------------------
interface Done {
  readonly id: number;
  readonly result?: { batchItemFailures?: unknown[] };
  readonly error?: string;
  readonly ms: number;
  readonly maxRssMB: number;
}
const workers: { child: ChildProcess; peakMB: number; invocations: number }[] = await Promise.all(
  Array.from({ length: WORKERS }, async () => {
    const child = fork(`${root}bench/fleet-worker.mjs`, [`${root}dist/watcher.mjs`], {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    return { child, peakMB: 0, invocations: 0 };
  }),
);
const pending: WatchTask[] = [];
const failedTasks: string[] = [];
let seq = 0;
let idle: (() => void) | undefined;
let busy = 0;
const pump = () => {
  for (const worker of workers) {
    if (pending.length === 0) break;
    if ((worker as { busy?: boolean }).busy) continue;
    const task = pending.shift();
    if (task === undefined) break;
    (worker as { busy?: boolean }).busy = true;
    busy++;
    const id = ++seq;
    const event = { Records: [{ messageId: `m-${id}`, eventSource: 'aws:sqs', body: JSON.stringify(task) }] };
    const onDone = (message: Done) => {
      if (message.id !== id) return;
      worker.child.off('message', onDone);
      worker.peakMB = Math.max(worker.peakMB, message.maxRssMB);
      worker.invocations++;
      if (message.error || (message.result?.batchItemFailures ?? []).length > 0) failedTasks.push(task.appliance);
      (worker as { busy?: boolean }).busy = false;
      busy--;
      pump();
    };
    worker.child.on('message', onDone);
    worker.child.send({ type: 'invoke', id, event, budgetMs: BUDGET_MS });
  }
  if (busy === 0 && pending.length === 0) idle?.();
};

// ---- one tick: the real scheduler (in this process) fans out onto the emulated queue ----------------------------------
const scheduler = createWatcherHandler(() =>
  createWatcherRuntime(env, {
    logger: createLogger({ logLevel: 'SILENT' }),
    queue: {
      send: async (tasks) => {
        pending.push(...tasks);
      },
    },
  }),
);
log(`tick: ${APPLIANCES} appliances × ${SESSIONS} sessions, ${WORKERS} workers`);
const t0 = performance.now();
const end = Date.now() + BUDGET_MS;
const queued = await scheduler({ 'detail-type': 'Scheduled Event', detail: {} }, {
  awsRequestId: 'fleet-tick',
  getRemainingTimeInMillis: () => end - Date.now(),
} as Context);
await new Promise<void>((resolve) => {
  idle = resolve;
  pump();
});
const wallMs = performance.now() - t0;
for (const w of workers) w.child.send({ type: 'exit' });

// ---- what happened -------------------------------------------------------------------------------------------------
const generic = sink.postsTo('generic').map((p) => p.json as { sessionId: string; source: { appliance: string } });
const perSession = new Map<string, number>();
for (const body of generic) {
  const key = `${body.source.appliance}/${body.sessionId}`;
  perSession.set(key, (perSession.get(key) ?? 0) + 1);
}
const expected = APPLIANCES * SESSIONS;
const exactlyOnce = perSession.size === expected && [...perSession.values()].every((n) => n === 1);
const calls = emulators.map((e) => e.requests.length);
const byRoute = (route: 'token' | 'sessions' | 'log' | 'session' | 'objects') =>
  round(emulators.reduce((n, e) => n + e.requestsTo(route).length, 0) / APPLIANCES, 2);
const results = {
  fleet: { appliances: APPLIANCES, sessionsPerAppliance: SESSIONS, workers: WORKERS },
  scheduler: queued,
  wallMs: round(wallMs),
  floorMs: round(floor),
  wallToFloor: round(wallMs / floor, 2),
  workerInvocations: workers.reduce((n, w) => n + w.invocations, 0),
  apiCallsPerAppliance: {
    min: Math.min(...calls),
    max: Math.max(...calls),
    token: byRoute('token'),
    list: byRoute('sessions'),
    log: byRoute('log'),
    objects: byRoute('objects'),
    session: byRoute('session'),
  },
  peakRssPerWorkerMB: workers.map((w) => round(w.peakMB)),
  postsPerDestination: { teams: sink.postsTo('teams').length, generic: sink.postsTo('generic').length },
  everySessionExactlyOnce: exactlyOnce,
  failedTasks,
};
console.log(JSON.stringify(results, null, 2));
if (!smoke) writeFileSync(`${root}bench/fleet-results.json`, `${JSON.stringify(results, null, 2)}\n`);
await Promise.all([...emulators.map((e) => e.close()), sink.close()]);
if (!exactlyOnce || failedTasks.length > 0) {
  log(`FAILED: every session exactly once = ${exactlyOnce}, failed tasks = ${failedTasks.length}`);
  process.exitCode = 1;
}
