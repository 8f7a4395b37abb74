import * as z from 'zod/mini';
import { isLoopbackHost } from '../destinations/webhook-url.ts';
import { ConfigError } from '../errors.ts';
import { arn, httpUrl } from './env.ts';

/** Where a secret value comes from (the same shape as the other secrets in config/notifier.ts). */
type SecretRef = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'secret'; readonly arn: string };

/** Slack app mode: the Web API with a bot token, one thread per run of failures. */
export interface SlackAppConfig {
  readonly token: SecretRef;
  /** A channel ID, e.g. C0123ABCDEF. */
  readonly channel: string;
  /** SLACK_API_URL (default https://slack.com/api), e.g. a local emulator. */
  readonly apiUrl: string;
}

/** The Slack app variables, spread into the notifier's environment schema. */
export const SLACK_APP_ENV = {
  SLACK_BOT_TOKEN: z.optional(
    z.string().check(z.regex(/^xox[bp]-[\w-]{10,250}$/, 'must be a Slack bot token (xoxb-…)')),
  ),
  SLACK_BOT_TOKEN_SECRET_ARN: z.optional(arn),
  SLACK_CHANNEL: z.optional(
    z.string().check(z.regex(/^[CGD][A-Z0-9]{6,20}$/, 'must be a Slack channel ID, e.g. C0123ABCDEF')),
  ),
  SLACK_API_URL: z._default(
    z.pipe(
      httpUrl,
      z.transform((u) => u.replace(/\/+$/, '')),
    ),
    'https://slack.com/api',
  ),
};

const SLACK_API_HOSTS = ['slack.com', 'slack-gov.com'];

/**
 * Why SLACK_API_URL cannot carry the bot token, or undefined: a local emulator (loopback) is fine; anything else must
 * be https:// and, with the host check on, Slack's own API host.
 */
export function slackApiUrlProblem(url: string, hostCheck: boolean): string | undefined {
  const { protocol, hostname } = new URL(url);
  if (isLoopbackHost(hostname)) return undefined;
  if (protocol !== 'https:') return 'SLACK_API_URL must use https:// (the bot token travels with every call)';
  if (hostCheck && !SLACK_API_HOSTS.includes(hostname.toLowerCase())) {
    return `SLACK_API_URL must be Slack's Web API, https://slack.com/api (got host ${hostname}; set WEBHOOK_HOST_CHECK=off only if a proxy stands in between)`;
  }
  return undefined;
}

/** Slack app mode from the parsed variables, or undefined when neither token nor channel is set. */
export function slackAppFrom(
  e: {
    readonly SLACK_BOT_TOKEN?: string | undefined;
    readonly SLACK_BOT_TOKEN_SECRET_ARN?: string | undefined;
    readonly SLACK_CHANNEL?: string | undefined;
    readonly SLACK_API_URL: string;
  },
  hostCheck: boolean,
): SlackAppConfig | undefined {
  const { SLACK_BOT_TOKEN: value, SLACK_BOT_TOKEN_SECRET_ARN: secretArn, SLACK_CHANNEL: channel } = e;
  if (value && secretArn) {
    throw new ConfigError('contradictory configuration: set only one of SLACK_BOT_TOKEN, SLACK_BOT_TOKEN_SECRET_ARN');
  }
  const token: SecretRef | undefined = value
    ? { kind: 'value', value }
    : secretArn
      ? { kind: 'secret', arn: secretArn }
      : undefined;
  if (!token && !channel) return undefined;
  if (!token)
    throw new ConfigError('SLACK_CHANNEL is set but SLACK_BOT_TOKEN (or SLACK_BOT_TOKEN_SECRET_ARN) is missing');
  if (!channel) throw new ConfigError('SLACK_BOT_TOKEN is set but SLACK_CHANNEL (a channel ID) is missing');
  const problem = slackApiUrlProblem(e.SLACK_API_URL, hostCheck);
  if (problem) throw new ConfigError(`invalid configuration: ${problem}`);
  return { token, channel, apiUrl: e.SLACK_API_URL };
}
