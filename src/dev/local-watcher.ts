// The scheduled watcher wired for a local run: the emulator (seeded with `sessions`) unless a real appliance is
// configured and allowed, the webhook sink for destinations the user did not name, and state kept in memory.
import { createLogger, type LogLevel } from '../logger.ts';
import { noMetrics } from '../metrics.ts';
import { createWatcherHandler, createWatcherRuntime, type WatcherResult } from '../watcher/runtime.ts';
import { createMemoryStateStore } from '../watcher/state-store.ts';
import { type ApplianceEmulator, startApplianceEmulator } from './appliance-emulator.ts';
import { type LocalPlan, localEnv, needsSink, planLocalRun } from './local-env.ts';
import { localContext, toStderr } from './local-run.ts';
import type { SampleSession } from './sample-sessions.ts';
import { type RecordedPost, startWebhookSink, type WebhookSink } from './webhook-sink.ts';

const LOCAL_USER = { username: 'local-watcher', password: 'local-only-password' };

/** A local watcher and the stand-ins it started (close them when done). */
export interface LocalWatcherRun {
  readonly invoke: (event: unknown) => Promise<WatcherResult>;
  readonly emulator: ApplianceEmulator | undefined;
  readonly sink: WebhookSink | undefined;
  readonly plan: LocalPlan;
  close(): Promise<void>;
}

/** Starts the watcher locally; `emulatorOnly` ignores the user's BACKUP_API_* (the demo grows its own emulator). */
export async function startLocalWatcherRun(options: {
  readonly sessions: Iterable<SampleSession>;
  readonly emulatorOnly: boolean;
  readonly onPost?: (post: RecordedPost) => void;
  readonly logLevel?: LogLevel;
  readonly slackIntervalMs?: number;
  readonly missedRunCheckEveryMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<LocalWatcherRun> {
  const given = options.env ?? process.env;
  const plan = planLocalRun(
    options.emulatorOnly
      ? Object.fromEntries(Object.entries(given).filter(([key]) => !key.startsWith('BACKUP_API_')))
      : given,
  );
  const emulator =
    plan.appliance === 'real'
      ? undefined
      : await startApplianceEmulator({ users: [LOCAL_USER], sessions: options.sessions });
  const sink = needsSink(plan) ? await startWebhookSink(options.onPost ? { onPost: options.onPost } : {}) : undefined;
  const close = async () => {
    await Promise.all([emulator?.close(), sink?.close()]);
  };
  const env = localEnv(plan, {
    ...(emulator ? { appliance: { url: emulator.url, ...LOCAL_USER } } : {}),
    ...(sink ? { sinkUrlFor: (name: string) => sink.urlFor(name) } : {}),
    // So {"task":"digest"} posts a digest locally unless the user set their own schedule.
    extra: { DIGEST_CRON: 'cron(0 7 * * ? *)' },
  });
  let runtime: ReturnType<typeof createWatcherRuntime>;
  try {
    runtime = createWatcherRuntime(env, {
      logger: createLogger({ logLevel: options.logLevel ?? 'ERROR', write: toStderr }),
      metrics: noMetrics,
      state: createMemoryStateStore(),
      ...(options.slackIntervalMs === undefined ? {} : { slackIntervalMs: options.slackIntervalMs }),
      ...(options.missedRunCheckEveryMs === undefined ? {} : { missedRunCheckEveryMs: options.missedRunCheckEveryMs }),
    });
  } catch (error) {
    await close();
    throw error;
  }
  const handler = createWatcherHandler(() => runtime);
  let count = 0;
  return {
    invoke: (event) => handler(event, localContext(`local-watch-${++count}`, 'job-session-watcher-local', 60_000)),
    emulator,
    sink,
    plan,
    close,
  };
}
