// `npm start`: the notifier end to end on this machine. Without configuration it runs the real handler against the
// bundled appliance emulator and prints what Slack and Teams would receive; with env vars set it uses the real services.
import { parseArgs } from 'node:util';
import { startLocalRun } from './local-run.ts';
import { SAMPLE_SESSIONS } from './sample-sessions.ts';
import { showSlack, showTeams } from './show-message.ts';
import type { RecordedPost } from './webhook-sink.ts';

const { values } = parseArgs({
  options: {
    session: { type: 'string', short: 's', multiple: true },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    watch: { type: 'boolean', short: 'w', default: false },
    steps: { type: 'string', default: '4' },
    interval: { type: 'string', default: '2000' },
    appliances: { type: 'string' },
  },
});

if (values.watch && values.appliances !== undefined) {
  // A local fleet through the same fan-out path as a deployment (src/dev/watch-fleet.ts).
  const { runLocalFleetWatch } = await import('./watch-fleet.ts');
  const appliances = Math.min(50, Math.max(1, Number(values.appliances) || 3));
  const steps = Number(values.steps) || 3;
  const failures = await runLocalFleetWatch({
    appliances,
    steps,
    intervalMs: Number(values.interval) || 2000,
    json: values.json,
  });
  process.exit(failures > 0 ? 1 : 0);
}

if (values.watch) {
  // The scheduled watcher against the growing emulator (src/dev/watch.ts).
  const { runLocalWatch } = await import('./watch.ts');
  const failures = await runLocalWatch({
    steps: Number(values.steps) || 4,
    intervalMs: Number(values.interval) || 2000,
    json: values.json,
    verbose: values.verbose,
  });
  process.exit(failures > 0 ? 1 : 0);
}

if (values.help) {
  console.log(`usage: npm start [-- --session <id> ...] [--json] [--verbose]
       npm start -- --watch [--steps 4] [--interval 2000]   the scheduled watcher against a growing emulator
       npm start -- --watch --appliances 3                  a local fleet: fan-out onto an in-process watch queue

Without configuration, notifies about the bundled sample sessions (${[...SAMPLE_SESSIONS.keys()].join(', ')})
through the real handler and prints what Slack and Teams would receive.
With BACKUP_API_URL and credentials set, reads the real appliance; with SLACK_/TEAMS_WEBHOOK_URL set, posts for real.`);
  process.exit(0);
}

const show = (post: RecordedPost) => {
  const title =
    post.name === 'slack' ? 'Slack would receive' : post.name === 'teams' ? 'Teams would receive' : post.name;
  console.log(`\n  ── ${title} ${'─'.repeat(Math.max(0, 50 - title.length))}`);
  if (values.json) console.log(JSON.stringify(post.json, null, 2));
  else console.log(post.name === 'slack' ? showSlack(post.json) : showTeams(post.json));
};

const run = await startLocalRun({ onPost: show, logLevel: values.verbose ? 'INFO' : 'WARN' });
console.log(
  `job-session-notifier: appliance = ${run.mode.appliance === 'real' ? 'real (BACKUP_API_URL)' : `local emulator at ${run.emulator?.url}`}, ` +
    `destinations = ${run.mode.destinations === 'real' ? 'real webhooks' : 'local sink (printed below)'}`,
);

const sessions = values.session ?? (run.mode.appliance === 'real' ? [] : ['38', '77', '52', '60']);
if (sessions.length === 0) console.log('Pass --session <id> to pick a session on the real appliance.');
let failures = 0;
for (const sessionId of sessions) {
  console.log(`\n▶ session ${sessionId}`);
  try {
    const result = await run.invoke({ sessionId });
    console.log(`  ✔ ${JSON.stringify(result)}`);
  } catch (error) {
    failures++;
    console.log(`  ✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}
await run.close();
process.exitCode = failures > 0 ? 1 : 0;
