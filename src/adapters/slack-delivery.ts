import { type MentionOn, type NotifyOn, shouldMention } from '../core/context.ts';
import { renderSlack } from '../core/render/slack.ts';
import type { Destination } from '../ports.ts';
import {
  chatRefusal,
  postWebhook,
  thresholdSkip,
  type WebhookAnswer,
  type WebhookTransport,
} from './webhook-delivery.ts';

// Not @slack/webhook: its errors drop the response headers (so a 429's Retry-After is lost), it never retries 429,
// and its timeout is per client, not per attempt inside our deadline; it would add 15 KB to do less than postWebhook.

/** Slack's answers: 200 "ok"; 404 no_service / 410 channel_is_archived / 403 mean the webhook is gone (permanent). */
export function interpretSlack(status: number, body: string): WebhookAnswer {
  return status >= 200 && status < 300 ? { ok: true } : chatRefusal(status, body);
}

/** A Slack incoming-webhook destination posting Block Kit messages. */
export function createSlackDestination(
  options: WebhookTransport & {
    webhookUrl: () => Promise<string>;
    /** SLACK_NOTIFY_ON (default all), SLACK_MENTION_ON_FAILURE and SLACK_MENTION_ON (default failures). */
    notifyOn?: NotifyOn;
    mention?: string | undefined;
    mentionOn?: MentionOn;
  },
): Destination {
  return {
    name: 'slack',
    async post(notification, deadline) {
      const skip = thresholdSkip('SLACK_NOTIFY_ON', options.notifyOn ?? 'all', notification);
      if (skip) return skip;
      const mention = shouldMention(notification, options.mentionOn ?? 'failures') ? options.mention : undefined;
      await postWebhook({
        ...options,
        destination: 'slack',
        url: await options.webhookUrl(),
        payload: renderSlack(notification, { mention }),
        deadline,
        interpret: interpretSlack,
      });
      return undefined;
    },
  };
}
