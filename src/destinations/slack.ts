import { renderSlack } from '../core/render/slack.ts';
import type { Destination } from '../ports.ts';
import { type ChatDestinationOptions, chatRefusal, createChatDestination, type WebhookAnswer } from './post-webhook.ts';

// Not @slack/webhook: its errors drop the response headers (so a 429's Retry-After is lost), it never retries 429,
// and its timeout is per client, not per attempt inside our deadline; bundled, it would do less than postWebhook.

/** Slack's answers: 200 "ok"; 404 no_service / 410 channel_is_archived / 403 mean the webhook is gone (permanent). */
export function interpretSlack(status: number, body: string): WebhookAnswer {
  return status >= 200 && status < 300 ? { ok: true } : chatRefusal(status, body);
}

/** A Slack incoming-webhook destination posting Block Kit messages (SLACK_NOTIFY_ON, SLACK_MENTION_ON_FAILURE). */
export function createSlackDestination(options: ChatDestinationOptions<string>): Destination {
  return createChatDestination({
    ...options,
    name: 'slack',
    thresholdVariable: 'SLACK_NOTIFY_ON',
    render: renderSlack,
    interpret: interpretSlack,
  });
}
