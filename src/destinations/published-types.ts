// Type-only (no JavaScript is emitted, so the bundle carries none of it): what the renderers emit, checked against
// the types Slack and PagerDuty publish, so a renderer change the service would reject fails `tsc`, not a live post.
import type { EventPayloadV2 } from '@pagerduty/pdjs/build/src/events.js';
import type { KnownBlock } from '@slack/types';
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { PagerDutyEvent } from '../core/render/pagerduty.ts';
import type { SlackMessage } from '../core/render/slack.ts';

/** What a Slack incoming webhook takes, as Slack's SDK types it, with blocks narrowed to the Block Kit blocks it knows. */
export type SlackWebhookMessage = Omit<IncomingWebhookSendArguments, 'blocks'> & {
  text: string;
  blocks: KnownBlock[];
};

// The renderers' types are readonly; the published ones are mutable but otherwise the same shape.
type Writable<T> = T extends readonly (infer U)[]
  ? Writable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Writable<T[K]> }
    : T;
type Assert<T extends true> = T;

/** Fails to compile when some message a Slack renderer may emit is not a valid incoming-webhook message. */
export type RenderedSlackMessagesAreValid = Assert<Writable<SlackMessage> extends SlackWebhookMessage ? true : false>;

/** A trigger event as the renderer emits it (the SDK's type demands a payload even on resolve, which the API does not). */
type TriggerEvent = PagerDutyEvent & { readonly event_action: 'trigger'; readonly payload: object };

/** Fails to compile when a trigger event the PagerDuty renderer may emit is not an Events API v2 event. */
export type RenderedPagerDutyTriggersAreValid = Assert<Writable<TriggerEvent> extends EventPayloadV2 ? true : false>;
