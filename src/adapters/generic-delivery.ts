import { meetsThreshold, type NotifyOn, outcomeOf, severityOf } from '../core/context.ts';
import { renderGeneric } from '../core/render/generic.ts';
import type { Destination } from '../ports.ts';
import type { HttpAgents } from './http-client.ts';
import { bodyReason, postWebhook, type WebhookAnswer, type WebhookPostOptions } from './webhook-delivery.ts';

/** Any 2xx is an acceptance; anything else that is not retried (429/5xx are) is a refusal. */
export function interpretGeneric(status: number, body: string): WebhookAnswer {
  return status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: bodyReason(status, body) };
}

/** A generic JSON webhook destination posting the version-1 summary body (docs/generic-webhook.schema.json). */
export function createGenericDestination(options: {
  webhookUrl: () => Promise<string>;
  /** The appliance's host, reported as `source.appliance`. */
  appliance: string;
  notifyOn: NotifyOn;
  agents?: HttpAgents;
  perAttemptTimeoutMs: number;
  retry?: { baseDelayMs?: number; maxAttempts?: number };
  logger?: WebhookPostOptions['logger'];
}): Destination {
  return {
    name: 'generic',
    async post(notification, deadline) {
      if (!meetsThreshold(severityOf(notification), options.notifyOn)) {
        return { skipped: `GENERIC_NOTIFY_ON=${options.notifyOn} and the session is ${outcomeOf(notification)}` };
      }
      await postWebhook({
        destination: 'generic',
        url: await options.webhookUrl(),
        payload: renderGeneric(notification, options.appliance),
        deadline,
        agents: options.agents,
        perAttemptTimeoutMs: options.perAttemptTimeoutMs,
        interpret: interpretGeneric,
        ...(options.retry ? { retry: options.retry } : {}),
        logger: options.logger,
      });
      return undefined;
    },
  };
}
