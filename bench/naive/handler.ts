// The naive baseline: the same job written the obvious way, for side-by-side benchmarks only (never shipped).
// Classic zod, undici `request`, fetch for the webhooks (as @slack/webhook does), the whole body JSON.parsed,
// a fresh token and a fresh connection per call (no keep-alive), Powertools Logger built at import.
import { Logger } from '@aws-lambda-powertools/logger';
import { request } from 'undici';
import { z } from 'zod';

const logger = new Logger({ serviceName: 'naive-notifier' });

const EnvSchema = z.object({
  BACKUP_API_URL: z.string().url(),
  BACKUP_API_USERNAME: z.string(),
  BACKUP_API_PASSWORD: z.string(),
  SLACK_WEBHOOK_URL: z.string().url().optional(),
  TEAMS_WEBHOOK_URL: z.string().url().optional(),
});

const EventSchema = z.union([
  z.object({ sessionId: z.string() }),
  z.object({ detail: z.object({ sessionId: z.string() }) }).transform((e) => e.detail),
]);

const LogItemSchema = z
  .object({
    logTime: z.string().nullish(),
    status: z.string(),
    message: z.string().nullish(),
    executionStartTime: z.string().nullish(),
    executionDuration: z.union([z.string(), z.number()]).nullish(),
  })
  .passthrough();
const SessionLogSchema = z
  .object({ jobSessionId: z.union([z.string(), z.number()]).nullish(), log: z.array(LogItemSchema).nullish() })
  .passthrough();
const TokenSchema = z.object({ access_token: z.string() }).passthrough();

type LogItem = z.infer<typeof LogItemSchema>;

function durationMs(value: string | number | null | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(value ?? '');
  if (!match) return 0;
  return (((Number(match[1] ?? 0) * 24 + Number(match[2])) * 60 + Number(match[3])) * 60 + Number(match[4])) * 1000;
}

function summarize(items: LogItem[]) {
  const counts: Record<string, number> = {};
  const problems = items.filter((i) => /error|failed|warning/i.test(i.status));
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    counts[item.status] = (counts[item.status] ?? 0) + 1;
    const begin = Date.parse(item.executionStartTime ?? item.logTime ?? '');
    if (Number.isNaN(begin)) continue;
    start = Math.min(start, begin);
    end = Math.max(end, begin + durationMs(item.executionDuration));
  }
  const worst = items.some((i) => /error|failed/i.test(i.status))
    ? 'Failed'
    : items.some((i) => /warning/i.test(i.status))
      ? 'Warning'
      : 'Success';
  return { counts, problems, worst, seconds: Number.isFinite(start) ? Math.round((end - start) / 1000) : 0 };
}

/** JSON.parse of the whole body, the classic-zod schema, the summary and both payloads. */
export function renderPayloads(sessionId: string, body: unknown) {
  const log = SessionLogSchema.parse(body);
  const summary = summarize(log.log ?? []);
  const text = `${summary.worst}: session ${sessionId}`;
  const lines = summary.problems.slice(0, 10).map((p) => `• ${p.status}: ${p.message ?? ''}`);
  const counts = Object.entries(summary.counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');

  const slack = {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text } },
      { type: 'section', text: { type: 'mrkdwn', text: `*Steps* ${counts}\n*Duration* ${summary.seconds}s` } },
      ...(lines.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }] : []),
    ],
  };
  const card = {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text, weight: 'Bolder', size: 'Medium' },
            { type: 'TextBlock', text: `Steps: ${counts}; duration ${summary.seconds}s`, wrap: true },
            ...lines.map((line) => ({ type: 'TextBlock', text: line, wrap: true })),
          ],
        },
      },
    ],
  };
  return { slack, card, worst: summary.worst };
}

export const handler = async (event: unknown) => {
  const env = EnvSchema.parse(process.env);
  const { sessionId } = EventSchema.parse(event);
  const tokenResponse = await request(`${env.BACKUP_API_URL}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: env.BACKUP_API_USERNAME,
      password: env.BACKUP_API_PASSWORD,
    }).toString(),
    reset: true,
  });
  const { access_token } = TokenSchema.parse(await tokenResponse.body.json());
  const logResponse = await request(`${env.BACKUP_API_URL}/api/v1/jobSessions/${sessionId}/log`, {
    headers: { authorization: `Bearer ${access_token}` },
    reset: true,
  });
  if (logResponse.statusCode !== 200) throw new Error(`log: ${logResponse.statusCode}`);
  const { slack, card, worst } = renderPayloads(sessionId, await logResponse.body.json());
  const posts: Promise<unknown>[] = [];
  if (env.SLACK_WEBHOOK_URL) {
    posts.push(
      fetch(env.SLACK_WEBHOOK_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slack),
      }).then((r) => r.text()),
    );
  }
  if (env.TEAMS_WEBHOOK_URL) {
    posts.push(
      request(env.TEAMS_WEBHOOK_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(card),
        reset: true,
      }).then((r) => r.body.text()),
    );
  }
  await Promise.all(posts);
  logger.info('notification sent', { sessionId, worst });
  return { sessionId, outcome: worst };
};
