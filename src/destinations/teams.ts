import type { TeamsMention } from '../core/render/teams.ts';
import type { Destination } from '../ports.ts';
import { type ChatDestinationOptions, chatRefusal, createChatDestination, type WebhookAnswer } from './post-webhook.ts';

/** Teams Workflows answers 202 (or 200) when it accepts; 404 means the workflow was deleted or its URL revoked. */
export function interpretTeams(status: number, body: string): WebhookAnswer {
  return status === 200 || status === 202 ? { ok: true } : chatRefusal(status, body);
}

/** A Microsoft Teams Workflows-webhook destination posting Adaptive Cards (TEAMS_NOTIFY_ON, TEAMS_MENTION_ON_FAILURE). */
export function createTeamsDestination(options: ChatDestinationOptions<TeamsMention>): Destination {
  return createChatDestination({
    ...options,
    name: 'teams',
    thresholdVariable: 'TEAMS_NOTIFY_ON',
    // Loaded on first use: a Slack-only deployment never parses the Teams renderer.
    render: async (notification, extras) => (await import('../core/render/teams.ts')).renderTeams(notification, extras),
    interpret: interpretTeams,
  });
}
