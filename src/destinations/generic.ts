import type { NotifyOn } from '../core/context.ts';
import { renderGeneric } from '../core/render/generic.ts';
import type { Destination } from '../ports.ts';
import { bodyReason, postWebhook, thresholdSkip, type WebhookAnswer, type WebhookTransport } from './post-webhook.ts';

/** Any 2xx is an acceptance; anything else that is not retried (429/5xx are) is a refusal. */
export function interpretGeneric(status: number, body: string): WebhookAnswer {
  return status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: bodyReason(status, body) };
}

/** A generic JSON webhook destination posting the version-1 summary body (docs/generic-webhook.schema.json). */
export function createGenericDestination(
  options: WebhookTransport & {
    webhookUrl: () => Promise<string>;
    /** Reported as `source.appliance` when the notification does not name its appliance. */
    appliance: string;
    notifyOn: NotifyOn;
  },
): Destination {
  return {
    name: 'generic',
    async post(notification, deadline) {
      const skip = thresholdSkip('GENERIC_NOTIFY_ON', options.notifyOn, notification);
      if (skip) return skip;
      await postWebhook({
        ...options,
        destination: 'generic',
        url: await options.webhookUrl(),
        payload: renderGeneric(notification, notification.appliance?.source ?? options.appliance),
        deadline,
        interpret: interpretGeneric,
      });
      return undefined;
    },
  };
}
