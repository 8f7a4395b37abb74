import {
  type MentionOn,
  meetsThreshold,
  type NotifyOn,
  outcomeOf,
  severityOf,
  shouldMention,
} from '../core/context.ts';
import { renderSlack } from '../core/render/slack.ts';
import type { Destination } from '../ports.ts';
import type { HttpAgents } from './http-client.ts';
import { bodyReason, postWebhook, type WebhookAnswer, type WebhookPostOptions } from './webhook-delivery.ts';

// Not @slack/webhook: its errors drop the response headers (so a 429's Retry-After is lost), it never retries 429,
// and its timeout is per client, not per attempt inside our deadline; it would add 15 KB to do less than postWebhook.

/** Slack's answers: 200 "ok"; 404 no_service / 410 channel_is_archived / 403 mean the webhook is gone (permanent). */
export function interpretSlack(status: number, body: string): WebhookAnswer {
  if (status >= 200 && status < 300) return { ok: true };
  if (status === 404 || status === 410 || status === 403)
    return { ok: false, reason: `${bodyReason(status, body)} (webhook revoked or disabled)` };
  return { ok: false, reason: bodyReason(status, body) };
}

/** A Slack incoming-webhook destination posting Block Kit messages. */
export function createSlackDestination(options: {
  webhookUrl: () => Promise<string>;
  /** SLACK_NOTIFY_ON (default all), SLACK_MENTION_ON_FAILURE and SLACK_MENTION_ON (default failures). */
  notifyOn?: NotifyOn;
  mention?: string | undefined;
  mentionOn?: MentionOn;
  agents?: HttpAgents;
  perAttemptTimeoutMs: number;
  retry?: { baseDelayMs?: number; maxAttempts?: number };
  logger?: WebhookPostOptions['logger'];
}): Destination {
  return {
    name: 'slack',
    async post(notification, deadline) {
      const notifyOn = options.notifyOn ?? 'all';
      if (!meetsThreshold(severityOf(notification), notifyOn)) {
        return { skipped: `SLACK_NOTIFY_ON=${notifyOn} and the session is ${outcomeOf(notification)}` };
      }
      const mention = shouldMention(notification, options.mentionOn ?? 'failures') ? options.mention : undefined;
      await postWebhook({
        destination: 'slack',
        url: await options.webhookUrl(),
        payload: renderSlack(notification, { mention }),
        deadline,
        agents: options.agents,
        perAttemptTimeoutMs: options.perAttemptTimeoutMs,
        interpret: interpretSlack,
        ...(options.retry ? { retry: options.retry } : {}),
        logger: options.logger,
      });
      return undefined;
    },
  };
}
