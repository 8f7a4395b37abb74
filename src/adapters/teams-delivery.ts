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
  agents?: HttpAgents;
  perAttemptTimeoutMs: number;
  retry?: { baseDelayMs?: number; maxAttempts?: number };
  logger?: WebhookPostOptions['logger'];
}): Destination {
  return {
    name: 'teams',
    async post(notification, deadline) {
      // Loaded on first use: a Slack-only deployment never parses the Teams renderer.
      const { renderTeams } = await import('../core/render/teams.ts');
      await postWebhook({
        destination: 'teams',
        url: await options.webhookUrl(),
        payload: renderTeams(notification),
        deadline,
        agents: options.agents,
        perAttemptTimeoutMs: options.perAttemptTimeoutMs,
        interpret: interpretTeams,
        ...(options.retry ? { retry: options.retry } : {}),
        logger: options.logger,
      });
    },
  };
}
