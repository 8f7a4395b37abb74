// `npm run bench`: every figure beside a floor measured in the same run, under this machine's Node and Node 22 (the
// Lambda runtime), children without NODE_EXTRA_CA_CERTS. Prints the table; writes bench/.out/results.json, and with
// --save bench/results.json and the README's table. `--smoke` runs each once on small inputs and fails only on errors
// or wrong request counts, never on timings.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { type BenchArgs, parseBenchArgs } from './args.ts';
import { benchHistory } from './history.ts';
import { bigLog, coldLoad, cpuPerNotification, roundTrips } from './measure.ts';
import { bundleSizes, printTable, type Results, type RuntimeResults, writeReadme } from './report.ts';
import { findRuntimes, type NodeRuntime } from './runtimes.ts';
import { startServers } from './servers.ts';
import { round } from './stats.ts';
import { measureWatcherLag } from './watcher-lag.ts';

if (process.argv.includes('--fleet')) {
  // The fleet benchmark (bench/fleet.ts) is a run of its own, with its own flags (--smoke).
  await import('./fleet.ts');
  process.exit();
}
const parsed = parseBenchArgs(process.argv.slice(2));
if ('exit' in parsed) {
  (parsed.exit === 0 ? console.log : console.error)(parsed.text);
  process.exit(parsed.exit);
}
const args: BenchArgs = parsed;
const { smoke } = args;
const root = new URL('..', import.meta.url).pathname;
const out = `${root}bench/.out`;
const BIG = smoke ? 1_000 : 100_000;
const LATENCY_MS = 50;
// Fake credentials for the local DynamoDB and Secrets Manager; the SDK's Node 20 notice is noise here.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

try {
  await main();
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  if (args.debug && error instanceof Error) console.error(error.stack);
  process.exit(1);
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(out, { recursive: true });
  log('building the bundle (scripts/build.mjs)');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
  const entries = { notifier: `${root}dist/handler.mjs`, watcher: `${root}dist/watcher.mjs` };
  const files = { warm: `${out}/warm-up.mjs`, empty: `${out}/empty.mjs` };
  writeFileSync(files.warm, 'export {};\n');
  writeFileSync(files.empty, 'export {};\n');
  const { runtimes, skipped } = findRuntimes(args.node22, `${out}/node22`, true);
  if (skipped) log(skipped);

  const servers = await startServers(BIG, LATENCY_MS);
  const { failures } = servers;

  const perRuntime: Results['runtimes'] = {};
  for (const runtime of runtimes) perRuntime[runtime.name] = await measureRuntime(runtime, servers, entries, files);
  checkCounts(perRuntime, failures);

  log('watcher lag (emulated clock, real watcher code, this Node only)');
  const watcherLag = [
    await measureWatcherLag('rate(5 minutes)', 300_000, smoke ? 3 : 10, smoke ? 2 : 12),
    await measureWatcherLag('rate(1 minute)', 60_000, smoke ? 3 : 12, smoke ? 2 : 12),
  ];
  for (const lag of watcherLag) {
    if (lag.notified !== lag.sessions)
      failures.push(`watcher ${lag.schedule}: ${lag.notified} of ${lag.sessions} notified`);
  }
  log('policy history: DynamoDB calls per notification, cold and warm latency against the in-memory store');
  const own = runtimes[0];
  const history =
    own &&
    (await benchHistory({
      rounds: args.rounds,
      module: entries.notifier,
      runtime: own,
      latencyMs: LATENCY_MS,
      failures,
    }));
  await servers.close();

  const results: Results & { readonly history: typeof history } = {
    date: new Date().toISOString(),
    smoke,
    durationS: round((Date.now() - started) / 1000, 0),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGB: round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: os.loadavg().map((l) => round(l, 2)),
    },
    node22: skipped ?? 'measured',
    bigLogEntries: BIG,
    latencyMs: LATENCY_MS,
    bundle: bundleSizes(`${root}dist`),
    runtimes: perRuntime,
    watcherLag,
    history,
    failures,
  };
  writeFileSync(`${out}/results${smoke ? '.smoke' : ''}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const table = printTable(results);
  console.log(table);
  if (args.save) {
    writeFileSync(`${root}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeReadme(`${root}README.md`, table);
    log('saved: bench/results.json and README.md (Benchmarks)');
  } else {
    log(`results: bench/.out/results${smoke ? '.smoke' : ''}.json (--save writes bench/results.json and the README)`);
  }
  if (failures.length > 0) {
    console.error(`\nbench failed:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

/** Every per-runtime figure under `runtime`, each beside its floor. */
async function measureRuntime(
  runtime: NodeRuntime,
  { setup, env, trips }: Awaited<ReturnType<typeof startServers>>,
  entries: { notifier: string; watcher: string },
  files: { warm: string; empty: string },
): Promise<RuntimeResults> {
  log(`${runtime.name} (${runtime.version}): cold load, ${args.rounds} round(s)`);
  const coldLoadResult = await coldLoad(runtime, entries, files, args.rounds);
  log(`${runtime.name}: CPU per warm notification vs the bare client`);
  const cpu = await cpuPerNotification(setup, runtime, entries.notifier, env.direct, smoke ? 1 : 30);
  log(`${runtime.name}: ${BIG.toLocaleString('en')}-entry log vs read-and-discard`);
  const big = await bigLog(setup, runtime, entries.notifier, env.direct, `${BIG}`, smoke ? 1 : 3);
  log(`${runtime.name}: sequential round trips (each hop delayed ${LATENCY_MS} ms)`);
  const roundTripsResult = {
    passwordInMemory: await roundTrips(setup, runtime, entries.notifier, env.local, trips),
    deployed: await roundTrips(setup, runtime, entries.notifier, env.deployed, trips),
  };
  return { version: runtime.version, coldLoad: coldLoadResult, cpu, bigLog: big, roundTrips: roundTripsResult };
}

/** Request totals that are wrong whatever the timing: a second token, log, session or per-object read, a missing post. */
function checkCounts(perRuntime: Results['runtimes'], failures: string[]): void {
  for (const [name, r] of Object.entries(perRuntime)) {
    for (const [config, paths] of Object.entries(r.roundTrips)) {
      for (const [phase, p] of Object.entries(paths)) {
        const n = (label: string) => p.requests[label] ?? 0;
        const problems = [
          n('token') > (phase === 'cold' ? 1 : 0) && `${n('token')} token requests`,
          n('log') !== 1 && `${n('log')} log reads`,
          n('session') > 1 && `${n('session')} session reads`,
          n('objects') > 1 && `${n('objects')} per-object reads`,
          n('sink') !== 2 && `${n('sink')} posts (2 destinations)`,
          n('secrets') > (phase === 'cold' ? 3 : 0) && `${n('secrets')} secret fetches`,
        ].filter((x) => x !== false);
        for (const problem of problems) failures.push(`round trips (${name}, ${config}, ${phase}): ${problem}`);
      }
    }
  }
}
