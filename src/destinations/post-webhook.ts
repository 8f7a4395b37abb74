import {
  type MentionOn,
  meetsThreshold,
  type NotifyOn,
  outcomeOf,
  severityOf,
  shouldMention,
} from '../core/context.ts';
import type { Notification } from '../core/summary.ts';
import { DeliveryError, NotifierError } from '../errors.ts';
import { type HttpAgents, httpRequest } from '../http/client.ts';
import { isTransientNetworkError, isTransientStatus, type RetryVerdict, withRetry } from '../http/retry.ts';
import type { Log } from '../logger.ts';
import type { Deadline, Destination, Skipped } from '../ports.ts';
import { hostOf, redact } from '../redact.ts';

/** How a destination reads a webhook's answer: accepted, or refused with a reason safe to log. */
export type WebhookAnswer = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** How every webhook destination sends: the transport settings the runtime gives Slack, Teams, PagerDuty and generic. */
export interface WebhookTransport {
  readonly agents?: HttpAgents | undefined;
  readonly perAttemptTimeoutMs: number;
  readonly retry?: { readonly baseDelayMs?: number; readonly maxAttempts?: number };
  /** Told about each retry (destination name, attempt, delay and status only: never the URL). */
  readonly logger?: Log | undefined;
}

export interface WebhookPostOptions extends WebhookTransport {
  /** Safe-to-log name of the destination ("slack", "teams"). */
  readonly destination: string;
  readonly url: string;
  readonly payload: unknown;
  readonly deadline: Deadline;
  /** Reads a 2xx–4xx answer; 429 and 5xx never reach it (they are retried). */
  readonly interpret: (status: number, body: string) => WebhookAnswer;
}

/** A chat webhook's refusal: 403/404/410 mean the webhook was revoked or disabled (Slack no_service, Teams 404). */
export function chatRefusal(status: number, body: string): WebhookAnswer {
  const gone = status === 404 || status === 410 || status === 403;
  return {
    ok: false,
    reason: gone ? `${bodyReason(status, body)} (webhook revoked or disabled)` : bodyReason(status, body),
  };
}

/** The skip a destination reports when the notification is below its `variable` threshold, else undefined. */
export function thresholdSkip(variable: string, notifyOn: NotifyOn, notification: Notification): Skipped | undefined {
  if (meetsThreshold(severityOf(notification), notifyOn)) return undefined;
  return { skipped: `${variable}=${notifyOn} and the session is ${outcomeOf(notification)}` };
}

class WebhookStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: string | string[] | undefined,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'WebhookStatusError';
  }
}

const classify = (error: unknown): RetryVerdict => {
  if (error instanceof WebhookStatusError) {
    return isTransientStatus(error.status) ? { transient: true, retryAfter: error.retryAfter } : { transient: false };
  }
  return { transient: isTransientNetworkError(error) };
};

/**
 * POSTs a JSON payload to a chat webhook under the shared retry policy (429 with Retry-After, 5xx and network
 * failures retried inside the deadline). Errors name the destination and host, never the URL (its path is the secret).
 */
export async function postWebhook(options: WebhookPostOptions): Promise<void> {
  const body = JSON.stringify(options.payload);
  const where = `${options.destination} (${hostOf(options.url)})`;
  try {
    await withRetry(
      async ({ signal, timeoutMs }) => {
        const res = await httpRequest(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          timeoutMs,
          signal,
          agents: options.agents,
        });
        // Redacted at the source: services echo the webhook's path (Slack no_service) or whole URL (Teams 400).
        const text = redact(await res.text(64 * 1024));
        if (isTransientStatus(res.status)) {
          throw new WebhookStatusError(res.status, res.headers['retry-after'], `HTTP ${res.status}`);
        }
        const answer = options.interpret(res.status, text);
        if (!answer.ok) throw new WebhookStatusError(res.status, undefined, answer.reason);
      },
      {
        deadline: options.deadline,
        classify,
        target: options.destination,
        perAttemptTimeoutMs: options.perAttemptTimeoutMs,
        onRetry: ({ attempt, delayMs, error }) =>
          options.logger?.warn('webhook post failed; retrying', {
            destination: options.destination,
            attempt,
            delayMs,
            statusCode: error instanceof WebhookStatusError ? error.status : undefined,
            reason:
              error instanceof WebhookStatusError
                ? error.reason
                : ((error as { code?: string }).code ?? (error as Error).name),
          }),
        ...(options.retry?.baseDelayMs === undefined ? {} : { baseDelayMs: options.retry.baseDelayMs }),
        ...(options.retry?.maxAttempts === undefined ? {} : { maxAttempts: options.retry.maxAttempts }),
        onBudgetExhausted: () =>
          new DeliveryError(options.destination, `no time left to post to ${where}`, { retryable: true }),
      },
    );
  } catch (error) {
    if (error instanceof NotifierError) throw error;
    const transient = classify(error).transient;
    const what =
      error instanceof WebhookStatusError
        ? `answered ${error.reason}`
        : `could not be reached (${(error as { code?: string }).code ?? (error as Error).name})`;
    throw new DeliveryError(options.destination, redact(`${where} ${what}`), {
      retryable: transient,
      cause: error,
      statusCode: error instanceof WebhookStatusError ? error.status : undefined,
    });
  }
}

/** Shortens and cleans a webhook's error body so it can go in a log line. */
export function bodyReason(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim().slice(0, 120);
  return text === '' ? `HTTP ${status}` : `HTTP ${status} ${text}`;
}

/** What a chat destination adds to the transport: its webhook, policy (threshold, mention) and format. */
export interface ChatDestinationOptions<Mention> extends WebhookTransport {
  readonly webhookUrl: () => Promise<string>;
  /** `<PREFIX>_NOTIFY_ON` (default all), `<PREFIX>_MENTION_ON_FAILURE` and `<PREFIX>_MENTION_ON` (default failures). */
  readonly notifyOn?: NotifyOn;
  readonly mention?: Mention | undefined;
  readonly mentionOn?: MentionOn;
}

/** A chat destination: skips below its threshold, mentions on failure (or problems), renders and posts once. */
export function createChatDestination<Mention>(
  options: ChatDestinationOptions<Mention> & {
    readonly name: string;
    /** The threshold variable named in the skip reason, e.g. SLACK_NOTIFY_ON. */
    readonly thresholdVariable: string;
    readonly render: (notification: Notification, extras: { mention: Mention | undefined }) => unknown;
    readonly interpret: WebhookPostOptions['interpret'];
  },
): Destination {
  return {
    name: options.name,
    async post(notification, deadline) {
      const skip = thresholdSkip(options.thresholdVariable, options.notifyOn ?? 'all', notification);
      if (skip) return skip;
      const mention = shouldMention(notification, options.mentionOn ?? 'failures') ? options.mention : undefined;
      await postWebhook({
        ...options,
        destination: options.name,
        url: await options.webhookUrl(),
        payload: await options.render(notification, { mention }),
        deadline,
      });
      return undefined;
    },
  };
}
