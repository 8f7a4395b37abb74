// `npm start -- --watch`: the scheduled watcher on this machine. The embedded appliance emulator's session list grows
// step by step (sessions finish, new ones start) and the watcher runs after each step, as its schedule would.
import type { WatchReport } from '../watcher/run.ts';
import type { ApplianceEmulator } from './appliance-emulator.ts';
import { describeDestinations } from './local-env.ts';
import { startLocalWatcherRun } from './local-watcher.ts';
import { showSlack, showTeams } from './show-message.ts';
import { type WatchSampleSpec, watchSample } from './watch-samples.ts';
import type { RecordedPost } from './webhook-sink.ts';

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
  // With --json, stdout carries only the messages' JSON: every human line goes to stderr.
  const say = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const show = (post: RecordedPost) => {
    if (post.name !== 'slack' && !options.verbose) return;
    if (options.json) return void console.log(JSON.stringify({ destination: post.name, body: post.json }));
    console.log(`\n  ── ${post.name === 'slack' ? 'Slack' : 'Teams'} receives ${'─'.repeat(40)}`);
    console.log(post.name === 'slack' ? showSlack(post.json) : showTeams(post.json));
  };
  const run = await startLocalWatcherRun({
    sessions: seed.map(watchSample),
    emulatorOnly: true,
    onPost: show,
    logLevel: options.verbose ? 'INFO' : 'ERROR',
    ...(options.slackIntervalMs === undefined ? {} : { slackIntervalMs: options.slackIntervalMs }),
    // Locally every run checks for missed runs, so the resolve shows up within the demo.
    missedRunCheckEveryMs: 0,
  });
  const emulator: ApplianceEmulator | undefined = run.emulator;
  if (emulator === undefined) throw new Error('the local watcher runs against the emulator');
  say(
    `job-session-notifier watcher: appliance = local emulator at ${emulator.url} (its session list grows each step), ` +
      `destinations = ${describeDestinations(run.plan)}${run.sink ? ' (Slack printed below; --verbose adds Teams)' : ''}, state = in memory`,
  );

  let failures = 0;
  for (let step = 1; step <= options.steps; step++) {
    if (step > 1) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      grow(step, emulator);
    }
    say(`\n▶ watcher run ${step}`);
    try {
      const report = (await run.invoke({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        detail: {},
      })) as WatchReport;
      const notified = report.notified.map((n) => `${n.sessionId} ${n.outcome}`).join(', ') || 'nothing new';
      say(
        `  ✔ listed ${report.listed} session(s) in ${report.pages} page(s) from ${report.fromUtc}; notified: ${notified}; ` +
          `still open: ${report.cursor.open.map((s) => s.id).join(', ') || 'none'}` +
          (report.missedRuns.raised + report.missedRuns.resolved > 0
            ? `; missed-run alerts ${report.missedRuns.raised}, resolves ${report.missedRuns.resolved}`
            : ''),
      );
    } catch (error) {
      failures++;
      say(`  ✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  await run.close();
  return failures;

  /** What happens on the appliance between two runs: the running session ends, a new one runs and another starts. */
  function grow(step: number, emulator: ApplianceEmulator): void {
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
