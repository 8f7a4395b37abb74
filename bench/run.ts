// `npm run bench`: cold module load, bundle size, round trips, CPU per notification and big-log time/RSS, each beside
// the naive baseline (bench/naive/handler.ts), in one run. Prints a table and writes bench/results.json.
// `npm run bench -- --smoke` runs everything once on small inputs and fails only on errors or a wrong round-trip count.
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { build } from 'esbuild';
import { bench, do_not_optimize, run } from 'mitata';
import { createLogStreamParser } from '../src/appliance/log-stream.ts';
import { renderSlack } from '../src/core/render/slack.ts';
import { renderTeams } from '../src/core/render/teams.ts';
import type { LogItem } from '../src/core/session-log.ts';
import { createSummaryBuilder } from '../src/core/summarize.ts';
import { startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { generateLogItems, SAMPLE_SESSIONS, sampleFromLog, sampleLog } from '../src/dev/sample-sessions.ts';
import { startWebhookSink } from '../src/dev/webhook-sink.ts';
import { startSecretsManager } from '../test/support/secrets-manager-server.ts';
import { renderPayloads } from './naive/handler.ts';

const smoke = process.argv.includes('--smoke');
if (process.argv.includes('--fleet')) {
  // The fleet benchmark (bench/fleet.ts) is a run of its own.
  await import('./fleet.ts');
  process.exit();
}
const root = new URL('..', import.meta.url).pathname;
const out = `${root}bench/.out`;
const PRODUCT = `${root}dist/handler.mjs`;
const NAIVE = `${out}/naive.mjs`;
const CHILD = `${root}bench/child.mjs`;
const USER = { username: 'bench', password: 'bench-Passw0rd-27182' };
const PAIRS = smoke ? 1 : 21;
const SIZES = smoke ? [1_000] : [1_000, 10_000, 100_000];
const REPS = smoke ? 1 : 3;
const SEED_SESSION = '77';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const kb = (bytes: number): number => round(bytes / 1024);
const failures: string[] = [];
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

// ---- builds -------------------------------------------------------------------------------------------------------
log('building the product bundle (scripts/build.mjs) and the naive baseline');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
await build({
  entryPoints: [`${root}bench/naive/handler.ts`],
  outfile: NAIVE,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
});
await build({
  entryPoints: [`${root}bench/naive/handler.ts`],
  outfile: `${out}/naive-bundle/handler.mjs`,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*'],
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'error',
});

const dirBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? dirBytes(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).size),
    0,
  );
const NAIVE_PACKAGES = ['zod', 'undici', '@aws-lambda-powertools/logger', '@aws-lambda-powertools/commons', '@aws'];
const sizes = {
  productBundleKB: kb(dirBytes(`${root}dist`)),
  productFiles: readdirSync(`${root}dist`).map((f) => `${f} ${kb(statSync(`${root}dist/${f}`).size)} KB`),
  naiveBundledKB: kb(dirBytes(`${out}/naive-bundle`)),
  naiveUnbundledKB: kb(
    statSync(NAIVE).size + NAIVE_PACKAGES.reduce((s, p) => s + dirBytes(`${root}node_modules/${p}`), 0),
  ),
};

// ---- local servers ------------------------------------------------------------------------------------------------
// Big logs are materialised once, so the emulator only serialises them while the child reads.
const bigSessions = SIZES.map((n) => {
  const items: LogItem[] = Array.from(generateLogItems(n, n));
  return sampleFromLog(`${n}`, 'Large-Estate-VMs', n, () => items);
});
// Copies of the seed session under fresh IDs: the product delivers each session once (idempotency), so every measured
// notification must be for a session it has not seen.
const seedItems = sampleLog(SEED_SESSION).log ?? [];
const seedCopies = Array.from({ length: 200 }, (_, i) =>
  sampleFromLog(String(770_000 + i), 'Nightly-Azure-VMs', seedItems.length, () => seedItems),
);
let nextCopy = 0;
const freshSeedSession = (): string => String(770_000 + (nextCopy++ % seedCopies.length));
const emulator = await startApplianceEmulator({
  users: [USER],
  staticTokens: ['bench-static-token'],
  sessions: [...SAMPLE_SESSIONS.values(), ...bigSessions, ...seedCopies],
  cacheLogBodies: true,
});
// Each big body is serialised once up front, so the measured runs time the reader, not the emulator's JSON work.
for (const n of SIZES) {
  const res = await fetch(`${emulator.url}/api/v1/jobSessions/${n}/log`, {
    headers: { authorization: 'Bearer bench-static-token' },
  });
  await res.arrayBuffer();
}
emulator.reset();
const sink = await startWebhookSink();
const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-appliance';
const secrets = await startSecretsManager({ [secretArn]: JSON.stringify(USER) });

const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (/^(BACKUP_API_|SLACK_|TEAMS_|NOTIFIER_|POWERTOOLS_)/.test(key)) delete env[key];
  return {
    ...env,
    BACKUP_API_URL: emulator.url,
    BACKUP_API_USERNAME: USER.username,
    BACKUP_API_PASSWORD: USER.password,
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
    TEAMS_WEBHOOK_URL: sink.urlFor('teams'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
};
const secretEnv = (): NodeJS.ProcessEnv => {
  const { BACKUP_API_USERNAME: _u, BACKUP_API_PASSWORD: _p, ...env } = baseEnv();
  // NODE_NO_WARNINGS: the SDK warns about Node 20 on every load.
  return {
    ...env,
    BACKUP_API_SECRET_ARN: secretArn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    NODE_NO_WARNINGS: '1',
  };
};

interface Invocation {
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMB: number;
  readonly error?: string;
}

/** A forked child holding one handler module; invoke() runs one notification in it. */
async function startChild(module: string, env: NodeJS.ProcessEnv) {
  // execArgv: [] so the child does not inherit tsx's loader from this process (it would inflate RSS and timings).
  const child: ChildProcess = fork(CHILD, [module], {
    env,
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench child exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Record<string, unknown>);
      });
    });
  const ready = await next();
  return {
    importMs: Number(ready.importMs),
    async invoke(sessionId: string): Promise<Invocation> {
      const reply = next();
      child.send({ type: 'invoke', event: { sessionId } });
      const result = (await reply) as unknown as Invocation;
      if (result.error !== undefined) failures.push(`${module} session ${sessionId}: ${result.error}`);
      return result;
    },
    stop: () => {
      child.removeAllListeners('exit');
      child.send({ type: 'exit' });
    },
  };
}

/** Wall time of a whole `node` process, in ms. */
function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

// ---- cold module load and cold invocation (whole processes, interleaved) ---------------------------------------------
log(`cold start: ${PAIRS} interleaved rounds of bare node, import, and import + one notification`);
const cold = { bare: [] as number[], emptyModule: [] as number[], product: [] as number[], naive: [] as number[] };
// The floor: what importing an empty ES module costs over `node -e 0` (the ESM loader itself).
writeFileSync(`${out}/empty.mjs`, 'export {};\n');
const coldInvoke = { product: [] as number[], naive: [] as number[] };
const event = JSON.stringify({ sessionId: SEED_SESSION });
for (let i = 0; i < PAIRS; i++) {
  const bare = await timeProcess(['-e', '0']);
  cold.bare.push(bare);
  cold.emptyModule.push((await timeProcess([`${out}/empty.mjs`])) - bare);
  cold.product.push((await timeProcess([PRODUCT])) - bare);
  cold.naive.push((await timeProcess([NAIVE])) - bare);
  coldInvoke.product.push((await timeProcess([CHILD, PRODUCT, 'once', event], baseEnv())) - bare);
  coldInvoke.naive.push((await timeProcess([CHILD, NAIVE, 'once', event], baseEnv())) - bare);
}

// ---- round trips ---------------------------------------------------------------------------------------------------
log('round trips: cold and warm notifications, counted on the emulator, the sink and the secrets server');
const mark = () => ({ api: emulator.requests.length, posts: sink.posts.length, secrets: secrets.calls.length });
const countSince = (before: ReturnType<typeof mark>) => {
  const api = emulator.requests.slice(before.api);
  return {
    token: api.filter((r) => r.route === 'token').length,
    log: api.filter((r) => r.route === 'log').length,
    session: api.filter((r) => r.route === 'session').length,
    other: api.filter((r) => r.route !== 'token' && r.route !== 'log' && r.route !== 'session').length,
    posts: sink.posts.length - before.posts,
    secrets: secrets.calls.length - before.secrets,
  };
};
type Count = ReturnType<typeof countSince>;
const total = (c: Count): number => c.token + c.log + c.session + c.other + c.posts + c.secrets;

async function roundTrips(module: string, env: NodeJS.ProcessEnv) {
  const child = await startChild(module, env);
  let before = mark();
  await child.invoke(freshSeedSession());
  const coldCount = countSince(before);
  before = mark();
  await child.invoke(freshSeedSession());
  const warmCount = countSince(before);
  // CPU per notification on a seed-sized log, network wait excluded (CPU time of the child only).
  const cpu: number[] = [];
  for (let i = 0; i < (smoke ? 1 : 30); i++) cpu.push((await child.invoke(freshSeedSession())).cpuMs);
  child.stop();
  return { cold: coldCount, warm: warmCount, cpuMs: median(cpu) };
}
const trips = {
  product: await roundTrips(PRODUCT, baseEnv()),
  productWithSecret: await roundTrips(PRODUCT, secretEnv()),
  naive: await roundTrips(NAIVE, baseEnv()),
};
const DESTINATIONS = 2;
const checkTrips = (name: string, c: Count, expected: Partial<Count>) => {
  for (const [key, want] of Object.entries({
    token: 0,
    log: 1,
    other: 0,
    secrets: 0,
    posts: DESTINATIONS,
    ...expected,
  })) {
    const got = c[key as keyof Count];
    // The session GET (alert quality) is counted but allowed: at most one, in parallel with the log.
    if (key === 'session' ? got > 1 : got !== want)
      failures.push(`round trips (${name}): ${key} ${got}, expected ${want}`);
  }
};
checkTrips('product cold', trips.product.cold, { token: 1 });
checkTrips('product warm', trips.product.warm, {});
checkTrips('product cold, secret ARN', trips.productWithSecret.cold, { token: 1, secrets: 1 });
checkTrips('product warm, secret ARN', trips.productWithSecret.warm, {});

// ---- big logs and growth -----------------------------------------------------------------------------------------
log(`big logs: ${SIZES.join(', ')} entries, ${REPS} run(s) each, product and naive interleaved`);
const growth: Record<string, { product: Invocation[]; naive: Invocation[] }> = {};
for (const n of SIZES) {
  growth[n] = { product: [], naive: [] };
  for (let r = 0; r < REPS; r++) {
    for (const [name, module] of [
      ['product', PRODUCT],
      ['naive', NAIVE],
    ] as const) {
      const child = await startChild(module, baseEnv());
      await child.invoke('38');
      growth[n][name].push(await child.invoke(`${n}`));
      child.stop();
    }
  }
}
const largest = SIZES.at(-1) ?? 1_000;
const bodyBytes = (n: number): number =>
  Buffer.byteLength(JSON.stringify({ jobSessionId: `${n}`, log: Array.from(generateLogItems(n, n)) }));

// ---- streaming-reader candidates on the largest body, read from a file (no HTTP, no emulator) -------------------------
log('reader candidates: whole-body JSON.parse vs the boundary scan, one process each');
await build({
  entryPoints: [`${root}bench/candidates.ts`],
  outfile: `${out}/candidates.mjs`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
});
const bodyFile = `${out}/log-${largest}.json`;
writeFileSync(
  bodyFile,
  JSON.stringify({ jobSessionId: `${largest}`, log: Array.from(bigSessions.at(-1)?.logItems() ?? []) }),
);
const candidateRuns: Record<string, { ms: number; maxRssMB: number }[]> = { whole: [], scan: [] };
for (let r = 0; r < REPS; r++) {
  for (const mode of ['whole', 'scan'] as const) {
    const output = execFileSync(process.execPath, [`${out}/candidates.mjs`, mode, bodyFile]).toString();
    candidateRuns[mode]?.push(JSON.parse(output) as { ms: number; maxRssMB: number });
  }
}
const candidate = (mode: string) => {
  const runs = candidateRuns[mode] ?? [];
  return { ms: round(median(runs.map((r) => r.ms))), maxRssMB: round(median(runs.map((r) => r.maxRssMB))) };
};

// ---- in-process CPU: parse + summarize + render one seed-sized body (mitata) --------------------------------------
log('in-process CPU: parse + summarize + render of the seed log (mitata)');
const seedBody = Buffer.from(JSON.stringify(sampleLog(SEED_SESSION)));
const productRender = () => {
  const builder = createSummaryBuilder(SEED_SESSION);
  const parser = createLogStreamParser((item) => builder.add(item));
  parser.write(seedBody);
  const summary = builder.finish(parser.end().jobSessionId);
  const notification = { kind: 'summary', summary } as const;
  return [renderSlack(notification), renderTeams(notification)];
};
const naiveRender = () => renderPayloads(SEED_SESSION, JSON.parse(seedBody.toString('utf8')));
let inProcess = { productUs: Number.NaN, naiveUs: Number.NaN };
if (smoke) {
  productRender();
  naiveRender();
} else {
  bench('product: stream parse + summarize + render', () => do_not_optimize(productRender()));
  bench('naive: JSON.parse + zod + summarize + render', () => do_not_optimize(naiveRender()));
  const result = await run({ format: 'quiet' });
  const avg = (i: number) => (result.benchmarks[i]?.runs[0]?.stats?.p50 ?? Number.NaN) / 1000;
  inProcess = { productUs: round(avg(0), 2), naiveUs: round(avg(1), 2) };
}

await Promise.all([emulator.close(), sink.close(), secrets.close()]);

// ---- report ----------------------------------------------------------------------------------------------------------
const big = (n: number, name: 'product' | 'naive') => {
  const runs = growth[n]?.[name] ?? [];
  return { ms: round(median(runs.map((r) => r.ms))), maxRssMB: round(median(runs.map((r) => r.maxRssMB))) };
};
const results = {
  date: new Date().toISOString(),
  smoke,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => round(l, 2)),
  },
  coldModuleLoadMs: {
    method: `whole process minus bare \`node -e 0\`, median of ${PAIRS} interleaved pairs`,
    bareNodeMs: round(median(cold.bare)),
    emptyModule: round(median(cold.emptyModule)),
    product: round(median(cold.product)),
    naive: round(median(cold.naive)),
  },
  coldInvocationMs: {
    method: 'whole process: import + one notification (token, log, 2 posts) + exit, minus bare node',
    product: round(median(coldInvoke.product)),
    naive: round(median(coldInvoke.naive)),
  },
  bundleKB: sizes,
  roundTrips: {
    product: { cold: trips.product.cold, warm: trips.product.warm },
    productWithSecretArn: { cold: trips.productWithSecret.cold, warm: trips.productWithSecret.warm },
    naive: { cold: trips.naive.cold, warm: trips.naive.warm },
  },
  cpuPerNotificationMs: {
    method: `child CPU time (user+sys) of one warm notification of session ${SEED_SESSION}, median; network wait excluded`,
    product: round(trips.product.cpuMs, 2),
    naive: round(trips.naive.cpuMs, 2),
    inProcessParseSummarizeRenderUs: { ...inProcess, method: 'mitata p50 (median), µs' },
  },
  bigLogs: Object.fromEntries(
    SIZES.map((n) => [
      n,
      { bodyMB: round(bodyBytes(n) / 1e6), product: big(n, 'product'), naive: big(n, 'naive'), runs: REPS },
    ]),
  ),
  readerCandidates: {
    method: `${largest.toLocaleString('en')}-entry body from a file in 64 KB chunks, summarized; one process per run, median of ${REPS}`,
    wholeBodyJsonParse: candidate('whole'),
    boundaryScan: candidate('scan'),
    streamparserJson:
      'not installed here (no npm install); measured earlier on the same log over loopback: ~900 ms, 91 MB',
  },
  failures,
};
writeFileSync(`${root}bench/results${smoke ? '.smoke' : ''}.json`, `${JSON.stringify(results, null, 2)}\n`);

const rows: [string, string, string, string][] = [
  ['Figure', 'Product', 'Naive baseline', 'Target'],
  [
    'Cold module load (ms over bare node)',
    `${results.coldModuleLoadMs.product}`,
    `${results.coldModuleLoadMs.naive}`,
    `≤ 10 (empty module: ${results.coldModuleLoadMs.emptyModule})`,
  ],
  [
    'Cold invocation: import + 1 notification (ms over bare node)',
    `${results.coldInvocationMs.product}`,
    `${results.coldInvocationMs.naive}`,
    '—',
  ],
  [
    'Bundle (KB)',
    `${sizes.productBundleKB}`,
    `${sizes.naiveBundledKB} bundled / ${sizes.naiveUnbundledKB} unbundled`,
    '≤ 150',
  ],
  [
    'Round trips, cold',
    `${total(trips.product.cold)} (${describe(trips.product.cold)})`,
    `${total(trips.naive.cold)} (${describe(trips.naive.cold)})`,
    'log + posts + ≤1 token + ≤1 secret',
  ],
  [
    'Round trips, cold with secret ARN',
    `${total(trips.productWithSecret.cold)} (${describe(trips.productWithSecret.cold)})`,
    'n/a',
    '',
  ],
  [
    'Round trips, warm',
    `${total(trips.product.warm)} (${describe(trips.product.warm)})`,
    `${total(trips.naive.warm)} (${describe(trips.naive.warm)})`,
    'log + posts',
  ],
  [
    `CPU per notification, session ${SEED_SESSION} (ms)`,
    `${results.cpuPerNotificationMs.product}`,
    `${results.cpuPerNotificationMs.naive}`,
    '≤ 2',
  ],
  ...SIZES.map((n): [string, string, string, string] => [
    `${n.toLocaleString('en')} entries (${results.bigLogs[n]?.bodyMB} MB): ms / peak RSS MB`,
    `${big(n, 'product').ms} / ${big(n, 'product').maxRssMB}`,
    `${big(n, 'naive').ms} / ${big(n, 'naive').maxRssMB}`,
    n === 100_000 ? '≤ 500 / ≤ 128' : '',
  ]),
];
rows.push([
  `Reader alone, ${largest.toLocaleString('en')} entries from a file: ms / peak RSS MB`,
  `${candidate('scan').ms} / ${candidate('scan').maxRssMB}`,
  `${candidate('whole').ms} / ${candidate('whole').maxRssMB}`,
  '',
]);
if (!smoke) {
  rows.push(['In-process parse+summarize+render, seed log (µs)', `${inProcess.productUs}`, `${inProcess.naiveUs}`, '']);
}
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(rows[0] ?? []));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows.slice(1)) console.log(line(r));
console.log(
  `\n${results.machine.cpu}, ${results.machine.cores} cores, node ${results.machine.node}, load ${results.machine.loadAverage.join(' ')}; largest log ${largest.toLocaleString('en')} entries`,
);
if (failures.length > 0) {
  console.error(`\nbench failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}

function describe(c: Count): string {
  return Object.entries(c)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}
