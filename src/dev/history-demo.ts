// `npm start -- --history`: one policy's runs through the real handler in Slack app mode, printed as the channel reads.
import type { Context } from 'aws-lambda';
import { loadConfig } from '../config/notifier.ts';
import { createLogger } from '../logger.ts';
import { noMetrics } from '../metrics.ts';
import { createRuntime } from '../runtime.ts';
import { createHandler } from '../triggers/router.ts';
import { startApplianceEmulator } from './appliance-emulator.ts';
import { HISTORY_SEQUENCE, historySessions } from './history-sequence.ts';
import { showSlack } from './show-message.ts';
import { startSlackEmulator } from './slack-emulator.ts';

const USER = { username: 'local-notifier', password: 'local-only-password' };
const TOKEN = 'xoxb-local-demo-token-0000';
const CHANNEL = 'C0LOCALDEMO';

/** What a reader takes in at a glance: the banner, headline and memory lines, down to the first field. */
const glance = (shown: string): string => {
  const lines = shown.split('\n').map((l) => l.trim());
  const end = lines.findIndex((l) => l.startsWith('*Job*'));
  return lines.slice(0, end < 0 ? 3 : end).join('\n');
};

/** One Web API call in a line: what the channel got. */
const describeCall = (method: string, body: Record<string, unknown>): string => {
  const first = glance(showSlack({ text: body.text, blocks: body.blocks })).split('\n')[0] ?? '';
  if (method === 'chat.update') return `chat.update      parent → ${first}`;
  return `chat.postMessage ${body.thread_ts ? 'in thread' : 'new message'} → ${first}`;
};

/** Plays HISTORY_SEQUENCE (ending yesterday) and prints each run's outcome, then the channel with its threads. */
export async function runHistoryDemo(options: { verbose: boolean }): Promise<number> {
  const today = new Date();
  const sessions = historySessions(HISTORY_SEQUENCE, {
    lastDayMs: Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()),
  });
  const appliance = await startApplianceEmulator({ users: [USER], sessions });
  const slack = await startSlackEmulator({ token: TOKEN, channels: [CHANNEL] });
  const config = loadConfig({
    BACKUP_API_URL: appliance.url,
    BACKUP_API_USERNAME: USER.username,
    BACKUP_API_PASSWORD: USER.password,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.url,
  });
  const logger = createLogger({ logLevel: options.verbose ? 'INFO' : 'WARN' });
  // Six runs are too few for the default baseline of five earlier successes before the slow one: three will do here.
  const handler = createHandler(() => createRuntime(config, { logger, metrics: noMetrics, baselineMinRuns: 3 }));
  let failures = 0;
  console.log(
    `job-session-notifier: policy history demo — appliance emulator ${appliance.url}, Slack emulator ${slack.url}`,
  );
  for (const [i, sample] of sessions.entries()) {
    const { id, status, executionDuration } = sample.session;
    const context = { awsRequestId: `history-${i}`, getRemainingTimeInMillis: () => 30_000 } as Context;
    const before = slack.calls.length;
    try {
      await handler({ sessionId: id }, context);
      console.log(`▶ session ${id}: ${status}, ${executionDuration.slice(0, 8)}`);
      for (const call of slack.calls.slice(before)) console.log(`    ${describeCall(call.method, call.body)}`);
    } catch (error) {
      failures++;
      console.log(`✘ session ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`\n  ── #demo as a reader sees it (${slack.calls.length} Web API calls) ──\n`);
  console.log(slack.transcript(CHANNEL, (m) => glance(showSlack({ text: m.text, blocks: m.blocks }))));
  await Promise.all([appliance.close(), slack.close()]);
  return failures;
}
