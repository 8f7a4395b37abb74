import { type PagerDutyOptions, pagerDutyEvent } from '../core/render/pagerduty.ts';
import type { Destination } from '../ports.ts';
import { bodyReason, postWebhook, type WebhookAnswer, type WebhookTransport } from './post-webhook.ts';

/** PagerDuty answers 202 when it accepts an event; 400 means the event is invalid (permanent); 429/5xx are retried. */
export function interpretPagerDuty(status: number, body: string): WebhookAnswer {
  if (status === 202 || status === 200) return { ok: true };
  if (status === 400)
    return { ok: false, reason: `${bodyReason(status, body)} (event rejected: check the routing key)` };
  return { ok: false, reason: bodyReason(status, body) };
}

/**
 * A PagerDuty Events API v2 destination: triggers an incident per failing policy, resolves it on the policy's next
 * success, and skips everything else (see core/render/pagerduty.ts).
 */
export function createPagerDutyDestination(
  options: WebhookTransport & {
    routingKey: () => Promise<string>;
    eventsUrl: string;
    /** The appliance's host when the notification does not name its appliance: the events' `source` and part of their dedup key. */
    source: string;
    notifyOn: PagerDutyOptions['notifyOn'];
  },
): Destination {
  return {
    name: 'pagerduty',
    async post(notification, deadline) {
      const decided = pagerDutyEvent(notification, {
        routingKey: await options.routingKey(),
        source: notification.appliance?.source ?? options.source,
        notifyOn: options.notifyOn,
      });
      if ('skipped' in decided) return decided;
      await postWebhook({
        ...options,
        destination: 'pagerduty',
        url: options.eventsUrl,
        payload: decided.event,
        deadline,
        interpret: interpretPagerDuty,
      });
      return undefined;
    },
  };
}
