// Watcher lag, emulated: the real watcher handler runs against the appliance emulator on a fake clock that jumps from
// one scheduled run to the next. Sessions start and end between runs; each one's lag is the time from its end to its
// Slack message (the run's scheduled time plus the real time the run took until that post). The floor of each lag is
// the wait for the next scheduled run, which no watcher can avoid.
import type { Context } from 'aws-lambda';
import { startApplianceEmulator } from '../src/dev/appliance-emulator.ts';
import { watchSample } from '../src/dev/watch-samples.ts';
import { startWebhookSink } from '../src/dev/webhook-sink.ts';
import { createLogger } from '../src/logger.ts';
import { createWatcherHandler, createWatcherRuntime } from '../src/watcher/runtime.ts';

const USER = { username: 'watcher', password: 'watcher-Passw0rd-2718' };
const MINUTE = 60_000;

export interface LagResult {
  readonly schedule: string;
  readonly sessions: number;
  readonly notified: number;
  /** Seconds from each session's end to its message: median and worst, beside the wait for the next run alone. */
  readonly lagS: { readonly median: number; readonly max: number };
  readonly floorS: { readonly median: number; readonly max: number };
  /** Appliance list calls in runs that had nothing new to notify: the most, and how many such runs. */
  readonly idleRuns: number;
  readonly listCallsPerIdleRun: { readonly median: number; readonly max: number };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

/** A seeded generator, so every run of the bench sees the same sessions. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function context(requestId: string): Context {
  const end = Date.now() + 60_000;
  return {
    awsRequestId: requestId,
    functionName: 'bench-watcher',
    getRemainingTimeInMillis: () => end - Date.now(),
  } as Context;
}

/** `runs` scheduled runs every `everyMs`, with `sessions` sessions ending at random moments between the first and last. */
export async function measureWatcherLag(schedule: string, everyMs: number, runs: number, sessions: number) {
  const emulator = await startApplianceEmulator({ users: [USER], sessions: [] });
  const posted = new Map<string, number>();
  let tick = { fakeMs: 0, realMs: 0 };
  const sink = await startWebhookSink({
    onPost: (post) => {
      const header = (post.json as { blocks?: { text?: { text?: string } }[] }).blocks?.[0]?.text?.text ?? '';
      const id = /session (\S+)$/.exec(header)?.[1];
      if (id !== undefined && !posted.has(id)) posted.set(id, tick.fakeMs + (Date.now() - tick.realMs));
    },
  });
  const startMs = Math.floor(Date.now() / MINUTE) * MINUTE - 7 * 86_400_000;
  const next = random(everyMs);
  const specs = Array.from({ length: sessions }, (_, i) => {
    const stopMs = startMs + Math.floor((0.5 + next() * (runs - 2)) * everyMs);
    return {
      id: `lag${i}`,
      policyName: `Policy-${i % 4}`,
      startMs: stopMs - Math.floor((1 + next() * 20) * MINUTE),
      stopMs,
    };
  });
  const handler = createWatcherHandler(() =>
    createWatcherRuntime(
      {
        BACKUP_API_URL: emulator.url,
        BACKUP_API_USERNAME: USER.username,
        BACKUP_API_PASSWORD: USER.password,
        SLACK_WEBHOOK_URL: sink.urlFor('slack'),
        WATCH_SCHEDULE: schedule,
      },
      { logger: createLogger({ logLevel: 'SILENT' }), now: () => tick.fakeMs + (Date.now() - tick.realMs) },
    ),
  );
  const idleLists: number[] = [];
  const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
  for (let run = 0; run < runs; run++) {
    const fakeMs = startMs + run * everyMs;
    let ended = 0;
    for (const spec of specs) {
      if (spec.startMs > fakeMs) continue;
      const done = spec.stopMs <= fakeMs;
      if (done && spec.stopMs > fakeMs - everyMs) ended++;
      emulator.addSession(watchSample({ ...spec, stopMs: done ? spec.stopMs : null }));
    }
    const before = emulator.requestsTo('sessions').length;
    tick = { fakeMs, realMs: Date.now() };
    await handler(event, context(`lag-${run}`));
    if (ended === 0) idleLists.push(emulator.requestsTo('sessions').length - before);
  }
  await Promise.all([emulator.close(), sink.close()]);

  const lags: number[] = [];
  const floors: number[] = [];
  for (const spec of specs) {
    const at = posted.get(spec.id);
    if (at === undefined) continue;
    lags.push((at - spec.stopMs) / 1000);
    floors.push((Math.ceil((spec.stopMs - startMs) / everyMs) * everyMs + startMs - spec.stopMs) / 1000);
  }
  const round = (n: number): number => Number(n.toFixed(1));
  return {
    schedule,
    sessions,
    notified: lags.length,
    lagS: { median: round(median(lags)), max: round(Math.max(...lags)) },
    floorS: { median: round(median(floors)), max: round(Math.max(...floors)) },
    idleRuns: idleLists.length,
    listCallsPerIdleRun: { median: median(idleLists), max: Math.max(...idleLists) },
  } satisfies LagResult;
}
