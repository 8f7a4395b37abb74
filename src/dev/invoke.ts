// `npm run invoke -- events/<name>.json`: runs the real handler once on a sample event, against the embedded appliance
// emulator and webhook sink (or the real services the environment configures), and prints the result and what the
// chat destinations received. HTTP samples are re-signed with the local signing secret unless --as-is is given.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isHttpEvent, signHttpEvent } from './http-event.ts';
import { startLocalRun } from './local-run.ts';
import { showSlack, showTeams } from './show-message.ts';
import type { RecordedPost } from './webhook-sink.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'as-is': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const file = positionals[0];
if (values.help || file === undefined) {
  console.log(`usage: npm run invoke -- events/<name>.json [--as-is] [--json] [--verbose]

Runs the handler on the event in the file (direct, EventBridge, SNS, SQS, HTTP or any other shape) and prints the
result and what Slack and Teams received. --as-is sends an HTTP sample with its stored (stale) signature.`);
  process.exit(file === undefined && !values.help ? 2 : 0);
}

const posts: RecordedPost[] = [];
const run = await startLocalRun({ onPost: (post) => posts.push(post), logLevel: values.verbose ? 'INFO' : 'WARN' });
let event: unknown = JSON.parse(await readFile(file, 'utf8'));
if (isHttpEvent(event) && !values['as-is']) {
  if (run.signingSecret) event = signHttpEvent(event, run.signingSecret);
  else console.log('(WEBHOOK_SIGNING_SECRET_ARN is set: the sample is sent with its stored signature)');
}

console.log(
  `▶ ${file} (appliance: ${run.mode.appliance}, destinations: ${run.mode.destinations === 'sink' ? 'local sink' : 'real webhooks'})`,
);
try {
  const result = await run.invoke(event);
  console.log(`✔ result: ${JSON.stringify(result, null, 2)}`);
} catch (error) {
  process.exitCode = 1;
  console.log(`✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}
for (const post of posts) {
  console.log(`\n  ── ${post.name} received ${'─'.repeat(Math.max(0, 40 - post.name.length))}`);
  if (values.json) console.log(JSON.stringify(post.json, null, 2));
  else if (post.name === 'slack') console.log(showSlack(post.json));
  else if (post.name === 'teams') console.log(showTeams(post.json));
  else console.log(post.body);
}
if (run.mode.destinations === 'sink' && posts.length === 0) console.log('\n  (nothing was posted)');
await run.close();
