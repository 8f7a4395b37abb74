// `npm run invoke -- [-f notifier|watcher] events/<name>.json`: runs one function's real handler once on a sample
// event, against the embedded appliance emulator and webhook sink (or the real services the environment configures),
// and prints the result and what the destinations received. HTTP samples are re-signed with the local signing secret
// unless --as-is is given.
import { CliFailure, parseCommandLine, readEventFile, runTool, UsageError } from './cli.ts';
import { isHttpEvent, signHttpEvent } from './http-event.ts';
import { describeDestinations } from './local-env.ts';
import { startLocalRun } from './local-run.ts';
import { startLocalWatcherRun } from './local-watcher.ts';
import { showJson, showPost } from './show-message.ts';
import { watchSample } from './watch-samples.ts';
import type { RecordedPost } from './webhook-sink.ts';

const USAGE = `usage: npm run invoke -- [-f notifier|watcher] <event.json> [--as-is] [--json] [--verbose] [--debug]

Runs the function's handler (default notifier) on the event in the file and prints the result and what the
destinations received. notifier: direct, EventBridge, SNS, SQS, HTTP or any other shape; --as-is sends an HTTP sample
with its stored (stale) signature. watcher: a scheduled event or {"task":"digest"}, against an emulator holding
sessions that ended in the last hour.`;

const OPTIONS = {
  function: { type: 'string', short: 'f', default: 'notifier' },
  'as-is': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  debug: { type: 'boolean', default: false },
} as const;

/** What the watcher finds locally: two sessions that ended in the last hour and one still running. */
function recentSessions() {
  const now = Date.now();
  const minutes = (n: number) => now - n * 60_000;
  return [
    watchSample({ id: '1201', policyName: 'Nightly-Azure-VMs', startMs: minutes(40), stopMs: minutes(30) }),
    watchSample({ id: '1202', policyName: 'Daily-tw-vm2', startMs: minutes(25), stopMs: minutes(5), status: 'Error' }),
    watchSample({ id: '1203', policyName: 'Weekly-SQL-Servers', startMs: minutes(3), stopMs: null }),
  ];
}

/** The line for a handler that answers nothing (SNS): what it did, from what was posted. */
function noResultLine(event: unknown, posts: readonly RecordedPost[]): string {
  const records = (event as { Records?: unknown[] }).Records?.length ?? 0;
  return `✔ handled ${records} SNS record(s) (an SNS handler returns no result); ${posts.length} message(s) posted`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS, true);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('the event file is missing');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (values.function !== 'notifier' && values.function !== 'watcher') {
    throw new UsageError(`-f must be notifier or watcher, not "${values.function}"`);
  }
  let event = await readEventFile(file);
  const posts: RecordedPost[] = [];
  // The watcher warns that its state is in memory, which is the point of a local run.
  const logLevel = values.verbose ? 'INFO' : values.function === 'watcher' ? 'ERROR' : 'WARN';
  const onPost = (post: RecordedPost) => posts.push(post);
  const run =
    values.function === 'watcher'
      ? await startLocalWatcherRun({
          sessions: recentSessions(),
          emulatorOnly: false,
          onPost,
          logLevel,
          slackIntervalMs: 0,
        })
      : await startLocalRun({ onPost, logLevel });
  try {
    if ('signingSecret' in run && isHttpEvent(event) && !values['as-is']) {
      if (run.signingSecret) event = signHttpEvent(event, run.signingSecret);
      else console.log('(WEBHOOK_SIGNING_SECRET_ARN is set: the sample is sent with its stored signature)');
    }
    console.log(
      `▶ ${values.function} ${file} (appliance: ${run.plan.appliance}, destinations: ${describeDestinations(run.plan)})`,
    );
    let failed = false;
    try {
      const result = await run.invoke(event);
      console.log(result === undefined ? noResultLine(event, posts) : `✔ result: ${JSON.stringify(result, null, 2)}`);
    } catch (error) {
      failed = true;
      console.log(`✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    printPosts(posts, values.json);
    if (run.sink && posts.length === 0) console.log('\n  (nothing was posted)');
    if (failed) throw new CliFailure('the handler failed (see above)');
    return 0;
  } finally {
    await run.close();
  }
}

function printPosts(posts: readonly RecordedPost[], json: boolean): void {
  for (const post of posts) {
    console.log(`\n  ── ${post.name} received ${'─'.repeat(Math.max(0, 40 - post.name.length))}`);
    console.log(json ? showJson(post.json) : showPost(post));
  }
}

await runTool(USAGE, main);
