// The per-runtime measurements, each beside its floor taken in the same run (bench/run.ts calls them in turn).
import type { ApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import type { WebhookSink } from '../src/dev/webhook-sink.ts';
import {
  type Invocation,
  importTimes,
  type ReplayRequest,
  startFloorChild,
  startProductChild,
  timeProcess,
} from './processes.ts';
import type { NodeRuntime } from './runtimes.ts';
import { mad, median, round } from './stats.ts';
import { criticalPath, type Trip, tripLabel } from './trips.ts';

export interface Setup {
  readonly emulator: ApplianceEmulator;
  readonly sink: WebhookSink;
  readonly failures: string[];
  /** A session of the seed's log the product has not notified yet (it delivers each session once). */
  readonly freshSession: () => string;
}

const check = (setup: Setup, what: string, result: Invocation): Invocation => {
  if (result.error !== undefined) setup.failures.push(`${what}: ${result.error}`);
  return result;
};

/** In-process import of each entry after an empty ES module, and whole processes paired with `node empty.mjs`. */
export async function coldLoad(
  runtime: NodeRuntime,
  entries: Record<string, string>,
  files: { warm: string; empty: string },
  rounds: number,
) {
  const inProcess: Record<string, { empty: number[]; entry: number[] }> = {};
  const whole: Record<string, number[]> = {};
  const emptyWhole: number[] = [];
  for (const name of Object.keys(entries)) {
    inProcess[name] = { empty: [], entry: [] };
    whole[name] = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, file] of Object.entries(entries)) {
      // Alternate which is imported first, so neither always pays for the other's warm-up.
      const order = r % 2 ? [file, files.empty] : [files.empty, file];
      const times = await importTimes(runtime, files.warm, order);
      inProcess[name]?.empty.push(times[files.empty] ?? Number.NaN);
      inProcess[name]?.entry.push(times[file] ?? Number.NaN);
    }
    const empty = await timeProcess(runtime, [files.empty]);
    emptyWhole.push(empty);
    for (const [name, file] of Object.entries(entries)) whole[name]?.push((await timeProcess(runtime, [file])) - empty);
  }
  return Object.fromEntries(
    Object.keys(entries).map((name) => {
      const ip = inProcess[name] ?? { empty: [], entry: [] };
      const diffs = whole[name] ?? [];
      return [
        name,
        {
          inProcessMs: { entry: round(median(ip.entry), 2), emptyModule: round(median(ip.empty), 2) },
          inProcessRatio: round(median(ip.entry) / median(ip.empty), 2),
          wholeProcessMs: {
            emptyModule: round(median(emptyWhole)),
            differenceMedian: round(median(diffs)),
            noise: round(mad(emptyWhole)),
          },
        },
      ];
    }),
  );
}

/** The requests of one warm notification as the servers received them, to be replayed by the floor client. */
function recordedPhases(setup: Setup, mark: { api: number; posts: number }): ReplayRequest[][] {
  const plain = (headers: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(
      Object.entries(headers)
        .filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))
        .map(([k, v]) => [k, String(v)]),
    );
  const gets = setup.emulator.requests.slice(mark.api).map((r) => ({
    method: r.method,
    url: `${setup.emulator.url}${r.path}`,
    headers: plain(r.headers),
    body: r.body,
  }));
  const posts = setup.sink.posts.slice(mark.posts).map((p) => ({
    method: 'POST',
    url: `${setup.sink.url}${p.path}`,
    headers: plain(p.headers),
    body: p.body,
  }));
  return [gets, posts];
}

/** CPU of warm notifications in the product child, and of the same requests replayed by the bare client. */
export async function cpuPerNotification(
  setup: Setup,
  runtime: NodeRuntime,
  module: string,
  env: NodeJS.ProcessEnv,
  count: number,
) {
  const product = await startProductChild(module, runtime, env);
  check(setup, 'cold notification', await product.invoke(setup.freshSession()));
  const mark = { api: setup.emulator.requests.length, posts: setup.sink.posts.length };
  check(setup, 'warm notification', await product.invoke(setup.freshSession()));
  const phases = recordedPhases(setup, mark);
  const floor = await startFloorChild(runtime);
  check(setup, 'floor warm-up', await floor.replay(phases));
  const cpu = { product: [] as number[], floor: [] as number[] };
  for (let i = 0; i < count; i++) {
    cpu.product.push(check(setup, 'warm notification', await product.invoke(setup.freshSession())).cpuMs);
    cpu.floor.push(check(setup, 'floor replay', await floor.replay(phases)).cpuMs);
  }
  product.stop();
  floor.stop();
  return {
    requests: phases.map((p) =>
      p.map((r) => `${r.method} ${new URL(r.url).pathname.split('/').slice(0, 5).join('/')}`),
    ),
    productMs: round(median(cpu.product), 2),
    floorMs: round(median(cpu.floor), 2),
    ratio: round(median(cpu.product) / median(cpu.floor), 2),
  };
}

/** The big log: the product's whole notification vs the bare client reading the same body and discarding it. */
export async function bigLog(
  setup: Setup,
  runtime: NodeRuntime,
  module: string,
  env: NodeJS.ProcessEnv,
  sessionId: string,
  reps: number,
) {
  const runs = { product: [] as Invocation[], floor: [] as Invocation[] };
  const get = (id: string): ReplayRequest[][] => [
    [
      {
        method: 'GET',
        url: `${setup.emulator.url}/api/v1/jobSessions/${id}/log`,
        headers: { authorization: 'Bearer bench-static-token', accept: 'application/json' },
        body: '',
      },
    ],
  ];
  for (let r = 0; r < reps; r++) {
    const product = await startProductChild(module, runtime, env);
    check(setup, 'warm-up notification', await product.invoke('38'));
    runs.product.push(check(setup, `${sessionId}-entry log`, await product.invoke(sessionId)));
    product.stop();
    const floor = await startFloorChild(runtime);
    check(setup, 'floor warm-up', await floor.replay(get('38')));
    runs.floor.push(check(setup, 'floor big log', await floor.replay(get(sessionId))));
    floor.stop();
  }
  const ms = (list: Invocation[]) => median(list.map((i) => i.ms));
  const rss = (list: Invocation[]) => median(list.map((i) => i.maxRssMB));
  return {
    productMs: round(ms(runs.product)),
    floorMs: round(ms(runs.floor)),
    ratio: round(ms(runs.product) / ms(runs.floor), 2),
    productRssMB: round(rss(runs.product)),
    floorRssMB: round(rss(runs.floor)),
    rssOverFloorMB: round(rss(runs.product) - rss(runs.floor)),
  };
}

/** Requests per server/route among `trips` started in [from, to). */
function tally(trips: readonly Trip[], from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of trips) if (t.start >= from && t.start < to) counts[tripLabel(t)] = (counts[tripLabel(t)] ?? 0) + 1;
  return counts;
}

/** Cold and warm notifications through the recording proxies: the sequential chain to the first post, and totals. */
export async function roundTrips(
  setup: Setup,
  runtime: NodeRuntime,
  module: string,
  env: NodeJS.ProcessEnv,
  trips: Trip[],
) {
  const forkedAt = performance.timeOrigin + performance.now();
  const child = await startProductChild(module, runtime, env);
  const cold = check(setup, 'cold notification (round trips)', await child.invoke(setup.freshSession()));
  const between = performance.timeOrigin + performance.now();
  const warm = check(setup, 'warm notification (round trips)', await child.invoke(setup.freshSession()));
  const after = performance.timeOrigin + performance.now();
  child.stop();
  const path = (from: number, invokedAt: number, until: number) => {
    const chain = criticalPath(
      trips.filter((t) => t.start < until),
      from,
      'sink',
    );
    return {
      sequential: chain.length,
      chain: chain.map(tripLabel).join(' → '),
      duringInit: chain.filter((t) => t.start < invokedAt).length,
      requests: tally(trips, from, until),
    };
  };
  return { cold: path(forkedAt, cold.startedAt, between), warm: path(warm.startedAt, warm.startedAt, after) };
}
