// `npm start -- --watch`: the scheduled watcher on this machine. The embedded appliance emulator's session list grows
// step by step (sessions finish, new ones start) and the watcher runs after each step, as its schedule would.
import type { Context } from 'aws-lambda';
import { notifierEnv } from '../config/notifier.ts';
import { createLogger } from '../logger.ts';
import type { WatchReport } from '../watcher/run.ts';
import { createWatcherHandler, createWatcherRuntime } from '../watcher/runtime.ts';
import { createMemoryStateStore } from '../watcher/state-store.ts';
import { startApplianceEmulator } from './appliance-emulator.ts';
import { hasRealDestinations } from './local-run.ts';
import { showSlack, showTeams } from './show-message.ts';
import { type WatchSampleSpec, watchSample } from './watch-samples.ts';
import { type RecordedPost, startWebhookSink } from './webhook-sink.ts';

const LOCAL_USER = { username: 'local-watcher', password: 'local-only-password' };
const MINUTE = 60_000;
const POLICIES = ['Nightly-Azure-VMs', 'Daily-tw-vm2', 'Weekly-SQL-Servers'];
const OUTCOMES = ['Success', 'Success', 'Warning', 'Error'];

/** Options of runLocalWatch: how many watcher runs, and the pause between them (the emulator grows in between). */
export interface LocalWatchOptions {
  readonly steps: number;
  readonly intervalMs: number;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Spacing of Slack posts; default Slack's one per second. */
  readonly slackIntervalMs?: number;
}

/** Runs the watcher `steps` times against a growing emulator and prints every message once, as Slack/Teams get it. */
export async function runLocalWatch(options: LocalWatchOptions): Promise<number> {
  const real = notifierEnv();
  const realDestinations = hasRealDestinations(real);
  const now = Date.now();
  let nextId = 1100;
  const spec = (
    minutesAgo: number,
    runMinutes: number | null,
    status?: string,
    policyName?: string,
  ): WatchSampleSpec => {
    const id = String(nextId++);
    const startMs = now - minutesAgo * MINUTE;
    return {
      id,
      policyName: policyName ?? POLICIES[nextId % POLICIES.length] ?? 'Nightly-Azure-VMs',
      startMs,
      stopMs: runMinutes === null ? null : startMs + runMinutes * MINUTE,
      ...(status === undefined ? {} : { status }),
    };
  };
  // History: one run long before the backfill window, one inside it, one still running, and a policy gone quiet.
  let current = spec(20, null, undefined, 'Nightly-Azure-VMs');
  const seed = [
    spec(3 * 60, 10, 'Success', 'Daily-tw-vm2'),
    spec(45, 8, 'Warning', 'Weekly-SQL-Servers'),
    current,
    spec(31 * 60 + 20, 12, 'Error', 'Monthly-Archive'),
  ];
  const emulator = await startApplianceEmulator({ users: [LOCAL_USER], sessions: seed.map(watchSample) });
  const show = (post: RecordedPost) => {
    if (post.name !== 'slack' && !options.verbose) return;
    console.log(`\n  ── ${post.name === 'slack' ? 'Slack' : 'Teams'} receives ${'─'.repeat(40)}`);
    if (options.json) console.log(JSON.stringify(post.json, null, 2));
    else console.log(post.name === 'slack' ? showSlack(post.json) : showTeams(post.json));
  };
  const sink = realDestinations ? undefined : await startWebhookSink({ onPost: show });
  const env = {
    BACKUP_API_URL: emulator.url,
    BACKUP_API_USERNAME: LOCAL_USER.username,
    BACKUP_API_PASSWORD: LOCAL_USER.password,
    ...(sink ? { SLACK_WEBHOOK_URL: sink.urlFor('slack'), TEAMS_WEBHOOK_URL: sink.urlFor('teams') } : {}),
    ...Object.fromEntries(Object.entries(real).filter(([key]) => !key.startsWith('BACKUP_API_'))),
  };
  const runtime = createWatcherRuntime(env, {
    logger: createLogger({ logLevel: options.verbose ? 'INFO' : 'ERROR' }),
    state: createMemoryStateStore(),
    ...(options.slackIntervalMs === undefined ? {} : { slackIntervalMs: options.slackIntervalMs }),
    // Locally every run checks for missed runs, so the resolve shows up within the demo.
    missedRunCheckEveryMs: 0,
  });
  const handler = createWatcherHandler(() => runtime);
  console.log(
    `job-session-notifier watcher: appliance = local emulator at ${emulator.url} (its session list grows each step), ` +
      `destinations = ${sink ? 'local sink (Slack printed below; --verbose adds Teams)' : 'real webhooks'}, state = in memory`,
  );

  let failures = 0;
  for (let step = 1; step <= options.steps; step++) {
    if (step > 1) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      grow(step);
    }
    console.log(`\n▶ watcher run ${step}`);
    const end = Date.now() + 60_000;
    const context = {
      awsRequestId: `local-watch-${step}`,
      functionName: 'job-session-watcher-local',
      getRemainingTimeInMillis: () => end - Date.now(),
    } as Context;
    try {
      const report = (await handler(
        { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
        context,
      )) as WatchReport;
      const notified = report.notified.map((n) => `${n.sessionId} ${n.outcome}`).join(', ') || 'nothing new';
      console.log(
        `  ✔ listed ${report.listed} session(s) in ${report.pages} page(s) from ${report.fromUtc}; notified: ${notified}; ` +
          `still open: ${report.cursor.open.map((s) => s.id).join(', ') || 'none'}` +
          (report.missedRuns.raised + report.missedRuns.resolved > 0
            ? `; missed-run alerts ${report.missedRuns.raised}, resolves ${report.missedRuns.resolved}`
            : ''),
      );
    } catch (error) {
      failures++;
      console.log(`  ✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  await Promise.all([emulator.close(), sink?.close()]);
  return failures;

  /** What happens on the appliance between two runs: the running session ends, a new one runs and another starts. */
  function grow(step: number): void {
    const elapsed = (Date.now() - now) / MINUTE;
    emulator.addSession(
      watchSample({ ...current, stopMs: Date.now() - 1000, status: OUTCOMES[step % OUTCOMES.length] ?? 'Success' }),
    );
    emulator.addSession(watchSample(spec(6 - elapsed, 5, OUTCOMES[(step + 1) % OUTCOMES.length])));
    if (step === 3) emulator.addSession(watchSample(spec(2 - elapsed, 1, 'Success', 'Monthly-Archive')));
    current = spec(1 - elapsed, null);
    emulator.addSession(watchSample(current));
  }
}
