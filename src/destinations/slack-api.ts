import { DeliveryError, NotifierError } from '../errors.ts';
import { type HttpAgents, httpRequest } from '../http/client.ts';
import { isTransientNetworkError, isTransientStatus, type RetryVerdict, withRetry } from '../http/retry.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import { hostOf, redact } from '../redact.ts';

/** Slack Web API errors that no retry fixes, each with the fix a reader can apply. */
const PERMANENT_FIXES: Readonly<Record<string, string>> = {
  channel_not_found: 'SLACK_CHANNEL names no channel the app can see: use the channel ID (C…) from its details',
  not_in_channel: 'the app is not in SLACK_CHANNEL: invite it (/invite @<app name>) in that channel',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) from the app settings',
  token_revoked: 'SLACK_BOT_TOKEN was revoked: reinstall the app and set the new bot token',
  account_inactive: 'the Slack app or its workspace user was deactivated: reinstall the app and set the new token',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_SECRET_ARN',
  missing_scope: 'the app lacks the chat:write scope: add it and reinstall the app',
  is_archived: 'SLACK_CHANNEL is archived: unarchive it or pick another channel',
  msg_too_long: 'the message was too long for Slack',
  invalid_blocks: 'Slack refused the message blocks',
};

/** An answer from the Web API that is not a success: the HTTP status and Slack's `error` code. */
class SlackApiAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly retryAfter: string | string[] | undefined,
  ) {
    super(error);
    this.name = 'SlackApiAnswerError';
  }
}

const classify = (error: unknown): RetryVerdict => {
  if (error instanceof SlackApiAnswerError) {
    const transient = isTransientStatus(error.status) || error.error === 'ratelimited';
    return transient ? { transient: true, retryAfter: error.retryAfter } : { transient: false };
  }
  return { transient: isTransientNetworkError(error) };
};

export interface SlackWebApiOptions {
  /** e.g. https://slack.com/api */
  readonly apiUrl: string;
  readonly token: () => Promise<string>;
  readonly agents?: HttpAgents | undefined;
  readonly perAttemptTimeoutMs: number;
  readonly retry?: { readonly baseDelayMs?: number; readonly maxAttempts?: number };
  readonly logger?: Log | undefined;
}

/** A Slack Web API method's successful answer (`ok: true` and the method's fields). */
export type SlackAnswer = Readonly<Record<string, unknown>>;

/** Calls Slack Web API methods (chat.postMessage, chat.update) with the bot token, retrying as Slack documents. */
export interface SlackWebApi {
  call(method: string, body: Readonly<Record<string, unknown>>, deadline: Deadline): Promise<SlackAnswer>;
}

/**
 * A Web API client: HTTP 429 and `ok: false, error: ratelimited` wait for Retry-After, 5xx and network failures back
 * off, and the permanent errors name their fix. The token is never in a message or log (it is registered for redaction).
 */
export function createSlackWebApi(options: SlackWebApiOptions): SlackWebApi {
  const where = `slack (${hostOf(options.apiUrl)})`;
  return {
    async call(method, body, deadline) {
      const token = await options.token();
      const payload = JSON.stringify(body);
      try {
        return await withRetry(
          async ({ signal, timeoutMs }) => {
            const res = await httpRequest(`${options.apiUrl}/${method}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
              body: payload,
              timeoutMs,
              signal,
              agents: options.agents,
            });
            return readAnswer(res.status, res.headers['retry-after'], await res.text(256 * 1024));
          },
          {
            deadline,
            classify,
            target: 'slack',
            perAttemptTimeoutMs: options.perAttemptTimeoutMs,
            onRetry: ({ attempt, delayMs, error }) =>
              options.logger?.warn('slack api call failed; retrying', {
                destination: 'slack',
                method,
                attempt,
                delayMs,
                reason: error instanceof SlackApiAnswerError ? error.error : (error as Error).name,
              }),
            ...(options.retry?.baseDelayMs === undefined ? {} : { baseDelayMs: options.retry.baseDelayMs }),
            ...(options.retry?.maxAttempts === undefined ? {} : { maxAttempts: options.retry.maxAttempts }),
            onBudgetExhausted: () =>
              new DeliveryError('slack', `no time left to call ${method} on ${where}`, { retryable: true }),
          },
        );
      } catch (error) {
        throw slackFailure(error, method, where);
      }
    },
  };
}

function readAnswer(status: number, retryAfter: string | string[] | undefined, text: string): SlackAnswer {
  if (isTransientStatus(status)) throw new SlackApiAnswerError(status, `HTTP ${status}`, retryAfter);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SlackApiAnswerError(status, `HTTP ${status} (not JSON)`, undefined);
  }
  if (typeof json !== 'object' || json === null) throw new SlackApiAnswerError(status, `HTTP ${status}`, undefined);
  const answer = json as Record<string, unknown>;
  if (answer.ok === true) return answer;
  // Redacted where it is read: this error becomes the cause of the one callers see.
  const code =
    typeof answer.error === 'string' ? redact(answer.error.slice(0, 60).replace(/[^\w.-]/g, '')) : `HTTP ${status}`;
  throw new SlackApiAnswerError(status, code, retryAfter);
}

function slackFailure(error: unknown, method: string, where: string): NotifierError {
  if (error instanceof NotifierError) return error;
  if (error instanceof SlackApiAnswerError) {
    const fix = PERMANENT_FIXES[error.error];
    const transient = classify(error).transient;
    const text = `${where} ${method} answered ${error.error}${fix ? `: ${fix}` : ''}`;
    return new DeliveryError('slack', redact(text), { retryable: transient, statusCode: error.status, cause: error });
  }
  const code = (error as { code?: string }).code ?? (error as Error).name;
  return new DeliveryError('slack', redact(`${where} ${method} could not be reached (${code})`), {
    retryable: classify(error).transient,
    cause: error,
  });
}
