import { type MentionOn, type NotifyOn, shouldMention } from '../core/context.ts';
import type { TeamsMention } from '../core/render/teams.ts';
import type { Destination } from '../ports.ts';
import {
  chatRefusal,
  postWebhook,
  thresholdSkip,
  type WebhookAnswer,
  type WebhookTransport,
} from './webhook-delivery.ts';

/** Teams Workflows answers 202 (or 200) when it accepts; 404 means the workflow was deleted or its URL revoked. */
export function interpretTeams(status: number, body: string): WebhookAnswer {
  return status === 200 || status === 202 ? { ok: true } : chatRefusal(status, body);
}

/** A Microsoft Teams Workflows-webhook destination posting Adaptive Cards. */
export function createTeamsDestination(
  options: WebhookTransport & {
    webhookUrl: () => Promise<string>;
    /** TEAMS_NOTIFY_ON (default all), TEAMS_MENTION_ON_FAILURE and TEAMS_MENTION_ON (default failures). */
    notifyOn?: NotifyOn;
    mention?: TeamsMention | undefined;
    mentionOn?: MentionOn;
  },
): Destination {
  return {
    name: 'teams',
    async post(notification, deadline) {
      const skip = thresholdSkip('TEAMS_NOTIFY_ON', options.notifyOn ?? 'all', notification);
      if (skip) return skip;
      const mention = shouldMention(notification, options.mentionOn ?? 'failures') ? options.mention : undefined;
      // Loaded on first use: a Slack-only deployment never parses the Teams renderer.
      const { renderTeams } = await import('../core/render/teams.ts');
      await postWebhook({
        ...options,
        destination: 'teams',
        url: await options.webhookUrl(),
        payload: renderTeams(notification, { mention }),
        deadline,
        interpret: interpretTeams,
      });
      return undefined;
    },
  };
}
