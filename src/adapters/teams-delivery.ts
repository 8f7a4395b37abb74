import {
  type MentionOn,
  meetsThreshold,
  type NotifyOn,
  outcomeOf,
  severityOf,
  shouldMention,
} from '../core/context.ts';
import type { TeamsMention } from '../core/render/teams.ts';
import type { Destination } from '../ports.ts';
import type { HttpAgents } from './http-client.ts';
import { bodyReason, postWebhook, type WebhookAnswer, type WebhookPostOptions } from './webhook-delivery.ts';

/** Teams Workflows answers 202 (or 200) when it accepts; 404 means the workflow was deleted or its URL revoked. */
export function interpretTeams(status: number, body: string): WebhookAnswer {
  if (status === 200 || status === 202) return { ok: true };
  if (status === 404 || status === 410 || status === 403)
    return { ok: false, reason: `${bodyReason(status, body)} (webhook revoked or disabled)` };
  return { ok: false, reason: bodyReason(status, body) };
}

/** A Microsoft Teams Workflows-webhook destination posting Adaptive Cards. */
export function createTeamsDestination(options: {
  webhookUrl: () => Promise<string>;
  /** TEAMS_NOTIFY_ON (default all), TEAMS_MENTION_ON_FAILURE and TEAMS_MENTION_ON (default failures). */
  notifyOn?: NotifyOn;
  mention?: TeamsMention | undefined;
  mentionOn?: MentionOn;
  agents?: HttpAgents;
  perAttemptTimeoutMs: number;
  retry?: { baseDelayMs?: number; maxAttempts?: number };
  logger?: WebhookPostOptions['logger'];
}): Destination {
  return {
    name: 'teams',
    async post(notification, deadline) {
      const notifyOn = options.notifyOn ?? 'all';
      if (!meetsThreshold(severityOf(notification), notifyOn)) {
        return { skipped: `TEAMS_NOTIFY_ON=${notifyOn} and the session is ${outcomeOf(notification)}` };
      }
      const mention = shouldMention(notification, options.mentionOn ?? 'failures') ? options.mention : undefined;
      // Loaded on first use: a Slack-only deployment never parses the Teams renderer.
      const { renderTeams } = await import('../core/render/teams.ts');
      await postWebhook({
        destination: 'teams',
        url: await options.webhookUrl(),
        payload: renderTeams(notification, { mention }),
        deadline,
        agents: options.agents,
        perAttemptTimeoutMs: options.perAttemptTimeoutMs,
        interpret: interpretTeams,
        ...(options.retry ? { retry: options.retry } : {}),
        logger: options.logger,
      });
      return undefined;
    },
  };
}
