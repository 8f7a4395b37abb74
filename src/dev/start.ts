// `npm start`: the notifier end to end on this machine. Without configuration it runs the real handler against the
// bundled appliance emulator and prints what Slack and Teams would receive; with env vars set it uses the real services.
import { integerFlag, parseCommandLine, runTool, UsageError } from './cli.ts';
import { PRODUCT_SAMPLES } from './emulators/samples.ts';
import { describeDestinations } from './local-env.ts';
import { startLocalRun } from './local-run.ts';
import { SAMPLE_SESSIONS } from './sample-sessions.ts';
import { showJson, showPost } from './show-message.ts';
import type { RecordedPost } from './webhook-sink.ts';

const USAGE = `usage: npm start -- [--session <id> ...] [--product azure|vbr|aws|gcp] [--json] [--verbose] [--debug] | --watch [--steps <n>] [--interval <ms>] [--appliances <n>] | --history

Without configuration, notifies about the bundled sample sessions (${[...SAMPLE_SESSIONS.keys()].join(', ')})
through the real handler and prints what Slack and Teams would receive. --product runs another appliance family's
emulator and samples (Backup & Replication, Backup for AWS, Backup for Google Cloud).
With BACKUP_API_URL and credentials set, reads the real appliance; each destination is real only when its URL (or
secret ARN) is set to a real address. --json prints one JSON document per session on stdout, everything else on stderr.
--watch runs the scheduled watcher against a growing emulator (--steps runs, --interval ms apart); with
--appliances <n>, a local fleet of n emulated appliances of mixed products through the watch-queue fan-out.
--history plays one policy's streak and recovery in Slack app mode, threaded in a local Slack emulator.`;

const OPTIONS = {
  session: { type: 'string', short: 's', multiple: true },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  debug: { type: 'boolean', default: false },
  watch: { type: 'boolean', short: 'w', default: false },
  history: { type: 'boolean', default: false },
  steps: { type: 'string', default: '4' },
  interval: { type: 'string', default: '2000' },
  product: { type: 'string', short: 'p', default: 'azure' },
  appliances: { type: 'string' },
} as const;

const PRODUCTS = ['azure', 'vbr', 'aws', 'gcp'] as const;

async function main(): Promise<number> {
  const { values } = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.watch) {
    // The scheduled watcher against the growing emulator (src/dev/watch.ts).
    const steps = integerFlag('--steps', values.steps, 1, 100);
    const intervalMs = integerFlag('--interval', values.interval, 0, 600_000);
    if (values.appliances !== undefined) {
      // A local fleet through the same fan-out path as a deployment (src/dev/watch-fleet.ts).
      const appliances = integerFlag('--appliances', values.appliances, 1, 50);
      const { runLocalFleetWatch } = await import('./watch-fleet.ts');
      return (await runLocalFleetWatch({ appliances, steps, intervalMs, json: values.json })) > 0 ? 1 : 0;
    }
    const { runLocalWatch } = await import('./watch.ts');
    const failures = await runLocalWatch({ steps, intervalMs, json: values.json, verbose: values.verbose });
    return failures > 0 ? 1 : 0;
  }
  if (values.history) {
    // One policy's runs in Slack app mode against local emulators (src/dev/history-demo.ts).
    const { runHistoryDemo } = await import('./history-demo.ts');
    return (await runHistoryDemo({ verbose: values.verbose })) > 0 ? 1 : 0;
  }
  // With --json, stdout carries only JSON: every human line goes to stderr.
  const say = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const posts: RecordedPost[] = [];
  const show = (post: RecordedPost) => {
    if (values.json) return void posts.push(post);
    const title =
      post.name === 'slack' ? 'Slack would receive' : post.name === 'teams' ? 'Teams would receive' : post.name;
    console.log(`\n  ── ${title} ${'─'.repeat(Math.max(0, 50 - title.length))}`);
    console.log(showPost(post));
  };

  const product = PRODUCTS.find((p) => p === values.product);
  if (product === undefined) throw new UsageError(`--product must be azure, vbr, aws or gcp (got "${values.product}")`);
  const run = await startLocalRun({ product, onPost: show, logLevel: values.verbose ? 'INFO' : 'WARN' });
  say(
    `job-session-notifier: appliance = ${run.plan.appliance === 'real' ? 'real (BACKUP_API_URL)' : `local emulator at ${run.emulator?.url}`}, ` +
      `destinations = ${describeDestinations(run.plan)}`,
  );
  const samples = product === 'azure' ? ['38', '77', '52', '60'] : PRODUCT_SAMPLES[product].map((s) => s.spec.id);
  const sessions = values.session ?? (run.plan.appliance === 'real' ? [] : samples);
  if (sessions.length === 0) say('Pass --session <id> to pick a session on the real appliance.');
  let failures = 0;
  try {
    for (const sessionId of sessions) {
      say(`\n▶ session ${sessionId}`);
      posts.length = 0;
      try {
        const result = await run.invoke({ sessionId });
        say(`  ✔ ${JSON.stringify(result)}`);
        if (values.json) console.log(JSON.stringify({ sessionId, result, posts: bodies(posts) }));
      } catch (error) {
        failures++;
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        say(`  ✘ ${message}`);
        if (values.json) console.log(JSON.stringify({ sessionId, error: message, posts: bodies(posts) }));
      }
    }
  } finally {
    await run.close();
  }
  return failures > 0 ? 1 : 0;
}

// The routing key is masked here as on screen: the printed JSON is meant to be piped and shared.
const bodies = (posts: readonly RecordedPost[]) =>
  posts.map((p) => ({
    destination: p.name,
    body: p.json === undefined ? p.body : (JSON.parse(showJson(p.json)) as unknown),
  }));

await runTool(USAGE, main);
