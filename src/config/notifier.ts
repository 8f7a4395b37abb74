import * as z from 'zod/mini';
import { API_VERSION_FORMAT, DEFAULT_API_VERSION, type Product, ProductSchema } from '../appliance/dialects/index.ts';
import { ConfigError } from '../errors.ts';
import { isStrongSigningSecret, SIGNING_SECRET_RULE } from '../triggers/signature.ts';
import { appliancesRef, DEFAULT_APPLIANCE } from './appliances.ts';
import {
  arn,
  type Env,
  flag,
  httpUrl,
  KNOWN,
  mentionOn,
  notifyOn,
  optionalText,
  parseEnv,
  rejectUnknownVariables,
} from './env.ts';
import { routesRef } from './routes.ts';
import { SLACK_APP_ENV, slackAppFrom } from './slack-app.ts';
import type { AlertingConfig, ApiConfig, Config, CredentialsRef, SecretRef } from './types.ts';
import { applianceBaseUrl, configuredUrlProblems } from './urls.ts';

export type { AlertingConfig, ApiConfig, Config, CredentialsRef, PagerDutyConfig, SecretRef } from './types.ts';

/** PagerDuty's Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

// One or more Slack mention tokens: a user group, a user, or @here/@channel; nothing else can ride along.
export const SLACK_MENTION =
  /^(?:<!subteam\^S[A-Z0-9]{2,20}>|<@[UW][A-Z0-9]{2,20}>|<!here>|<!channel>)(?: (?:<!subteam\^S[A-Z0-9]{2,20}>|<@[UW][A-Z0-9]{2,20}>|<!here>|<!channel>)){0,9}$/;
// "UPN or Entra object ID|Display Name": plain characters only, since the name is placed verbatim inside <at>…</at>.
export const TEAMS_MENTION =
  /^(?:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\|[\p{L}\p{N}][\p{L}\p{N} .'’()-]{0,99}$/u;
const tableName = z
  .string()
  .check(z.regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)'));
const sessionUrlTemplate = z.pipe(httpUrl, z.string().check(z.includes('{sessionId}', 'must contain {sessionId}')));
const millis = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(900_000)), fallback);

const EnvSchema = z.object({
  BACKUP_API_URL: z.optional(z.pipe(httpUrl, z.transform(applianceBaseUrl))),
  BACKUP_PRODUCT: z._default(z.enum(ProductSchema.options, { error: 'must be azure, vbr, aws or gcp' }), 'azure'),
  BACKUP_API_VERSION: optionalText,
  BACKUP_API_TOKEN: optionalText,
  BACKUP_API_USERNAME: optionalText,
  BACKUP_API_PASSWORD: optionalText,
  BACKUP_API_SECRET_ARN: z.optional(arn),
  BACKUP_API_CA_CERT: z.optional(
    z.string().check(z.includes('-----BEGIN CERTIFICATE-----', 'must be a PEM certificate')),
  ),
  BACKUP_API_INSECURE_TLS: flag,
  BACKUP_API_ALLOW_HTTP: flag,
  SLACK_WEBHOOK_URL: z.optional(httpUrl),
  SLACK_WEBHOOK_SECRET_ARN: z.optional(arn),
  TEAMS_WEBHOOK_URL: z.optional(httpUrl),
  TEAMS_WEBHOOK_SECRET_ARN: z.optional(arn),
  NOTIFIER_DEADLINE_MARGIN_MS: millis(1_500),
  NOTIFIER_HTTP_TIMEOUT_MS: millis(10_000),
  SESSION_URL_TEMPLATE: z.optional(sessionUrlTemplate),
  SLACK_NOTIFY_ON: notifyOn,
  SLACK_MENTION_ON_FAILURE: z.optional(
    z.string().check(z.regex(SLACK_MENTION, 'must be Slack mentions such as <!subteam^S0123ABC> or <@U0123ABC>')),
  ),
  SLACK_MENTION_ON: mentionOn,
  TEAMS_NOTIFY_ON: notifyOn,
  TEAMS_MENTION_ON_FAILURE: z.optional(
    z
      .string()
      .check(
        z.regex(TEAMS_MENTION, 'must be "UPN or Entra object ID|Display Name", e.g. alice@contoso.com|Alice Smith'),
      ),
  ),
  TEAMS_MENTION_ON: mentionOn,
  PAGERDUTY_ROUTING_KEY: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9]{20,64}$/, 'must be a PagerDuty integration (routing) key')),
  ),
  PAGERDUTY_ROUTING_KEY_SECRET_ARN: z.optional(arn),
  PAGERDUTY_EVENTS_URL: z._default(httpUrl, PAGERDUTY_EVENTS_URL),
  PAGERDUTY_NOTIFY_ON: z._default(
    z.enum(['problems', 'failures'], { error: 'must be problems or failures' }),
    'failures',
  ),
  GENERIC_WEBHOOK_URL: z.optional(httpUrl),
  GENERIC_WEBHOOK_SECRET_ARN: z.optional(arn),
  GENERIC_NOTIFY_ON: notifyOn,
  // A short shared secret can be brute-forced from one captured request.
  WEBHOOK_SIGNING_SECRET: z.optional(
    z.string().check(z.refine(isStrongSigningSecret, `must be ${SIGNING_SECRET_RULE}`)),
  ),
  WEBHOOK_SIGNING_SECRET_ARN: z.optional(arn),
  WEBHOOK_HOST_CHECK: z._default(z.enum(['on', 'off'], { error: 'must be on or off' }), 'on'),
  IDEMPOTENCY_TABLE: z.optional(tableName),
  HISTORY_TABLE: z.optional(tableName),
  DURATION_ANOMALY_FACTOR: z._default(
    z.coerce.number().check(z.minimum(1.5, 'must be at least 1.5'), z.maximum(100, 'must be at most 100')),
    3,
  ),
  ...SLACK_APP_ENV,
  APPLIANCES: optionalText,
  APPLIANCES_SECRET_ARN: z.optional(arn),
  ROUTES: optionalText,
  ROUTES_SECRET_ARN: z.optional(arn),
});

/** Reads and validates the notifier's configuration; the only reader of process.env in the project. */
export function loadConfig(env: Env = process.env): Config {
  rejectUnknownVariables(env);
  const e = parseEnv(EnvSchema, KNOWN, env, 'configuration');
  const urlProblems = configuredUrlProblems(e);
  if (urlProblems.length > 0) throw new ConfigError(`invalid configuration: ${urlProblems.join('; ')}`);
  const api = apiFrom(e, env);
  const routes = routesRef(e);
  return Object.freeze({
    api,
    appliances: appliancesRef(
      e,
      api && { name: DEFAULT_APPLIANCE, ...api, sessionUrlTemplate: e.SESSION_URL_TEMPLATE },
    ),
    routes,
    ...destinationsFrom(e, routes !== undefined),
    alerting: alertingFrom(e),
    sessionUrlTemplate: e.SESSION_URL_TEMPLATE,
    webhookSigning: secretRef('WEBHOOK_SIGNING', e.WEBHOOK_SIGNING_SECRET, e.WEBHOOK_SIGNING_SECRET_ARN),
    deadlineMarginMs: e.NOTIFIER_DEADLINE_MARGIN_MS,
    httpTimeoutMs: e.NOTIFIER_HTTP_TIMEOUT_MS,
    idempotencyTable: e.IDEMPOTENCY_TABLE,
    webhookHostCheck: e.WEBHOOK_HOST_CHECK === 'on',
    historyTable: e.HISTORY_TABLE,
    durationAnomalyFactor: e.DURATION_ANOMALY_FACTOR,
  });
}

type ParsedEnv = z.infer<typeof EnvSchema>;

/** The BACKUP_API_* appliance, or undefined when the fleet is listed (setting both is refused). */
function apiFrom(e: ParsedEnv, env: Env): ApiConfig | undefined {
  const fleet = [e.APPLIANCES && 'APPLIANCES', e.APPLIANCES_SECRET_ARN && 'APPLIANCES_SECRET_ARN'].filter(Boolean);
  if (fleet.length > 1) {
    throw new ConfigError('contradictory configuration: set only one of APPLIANCES, APPLIANCES_SECRET_ARN');
  }
  const single = Object.keys(env).filter(
    (key) => (key.startsWith('BACKUP_API_') || key === 'BACKUP_PRODUCT') && env[key] !== '' && env[key] !== undefined,
  );
  if (fleet.length > 0) {
    if (single.length > 0) {
      throw new ConfigError(
        `contradictory configuration: ${fleet[0]} lists the appliances, so the single-appliance variables must not be set (${single.sort().join(', ')})`,
      );
    }
    return undefined;
  }
  if (e.BACKUP_API_URL === undefined) {
    throw new ConfigError(
      'invalid configuration: BACKUP_API_URL is missing (or list several appliances in APPLIANCES / APPLIANCES_SECRET_ARN)',
    );
  }
  return Object.freeze({
    product: e.BACKUP_PRODUCT,
    baseUrl: e.BACKUP_API_URL,
    version: apiVersionFrom(e.BACKUP_PRODUCT, e.BACKUP_API_VERSION),
    credentials: credentialsFrom(e),
    caCertPem: e.BACKUP_API_CA_CERT,
    insecureTls: e.BACKUP_API_INSECURE_TLS,
    allowHttp: e.BACKUP_API_ALLOW_HTTP,
  });
}

/** BACKUP_API_VERSION checked against the product's form (a path segment for Azure, a header revision otherwise). */
function apiVersionFrom(product: Product, version: string | undefined): string {
  if (version === undefined) return DEFAULT_API_VERSION[product];
  const format = API_VERSION_FORMAT[product];
  if (!format.pattern.test(version)) {
    throw new ConfigError(
      `invalid configuration: BACKUP_API_VERSION must look like ${format.example} for BACKUP_PRODUCT=${product}`,
    );
  }
  return version;
}

function credentialsFrom(e: ParsedEnv): CredentialsRef {
  const given = [
    e.BACKUP_API_TOKEN && 'BACKUP_API_TOKEN',
    (e.BACKUP_API_USERNAME || e.BACKUP_API_PASSWORD) && 'BACKUP_API_USERNAME/BACKUP_API_PASSWORD',
    e.BACKUP_API_SECRET_ARN && 'BACKUP_API_SECRET_ARN',
  ].filter(Boolean);
  if (given.length === 0) {
    throw new ConfigError(
      'missing appliance credentials: set BACKUP_API_TOKEN, or BACKUP_API_USERNAME and BACKUP_API_PASSWORD, or BACKUP_API_SECRET_ARN',
    );
  }
  if (given.length > 1)
    throw new ConfigError(`contradictory appliance credentials: set only one of ${given.join(', ')}`);
  if (e.BACKUP_API_TOKEN) return { kind: 'token', token: e.BACKUP_API_TOKEN };
  if (e.BACKUP_API_SECRET_ARN) return { kind: 'secret', arn: e.BACKUP_API_SECRET_ARN };
  if (!e.BACKUP_API_USERNAME) throw new ConfigError('BACKUP_API_USERNAME is missing (BACKUP_API_PASSWORD is set)');
  if (!e.BACKUP_API_PASSWORD) throw new ConfigError('BACKUP_API_PASSWORD is missing (BACKUP_API_USERNAME is set)');
  return { kind: 'password', username: e.BACKUP_API_USERNAME, password: e.BACKUP_API_PASSWORD };
}

function destinationsFrom(
  e: ParsedEnv,
  routed: boolean,
): Pick<Config, 'slack' | 'slackApp' | 'teams' | 'pagerduty' | 'generic'> {
  const slack = secretRef('SLACK_WEBHOOK', e.SLACK_WEBHOOK_URL, e.SLACK_WEBHOOK_SECRET_ARN);
  const slackApp = slackAppFrom(e, e.WEBHOOK_HOST_CHECK === 'on');
  if (slack && slackApp) {
    throw new ConfigError(
      'contradictory Slack configuration: set either SLACK_WEBHOOK_URL(_SECRET_ARN) or SLACK_BOT_TOKEN(_SECRET_ARN) with SLACK_CHANNEL',
    );
  }
  const teams = secretRef('TEAMS_WEBHOOK', e.TEAMS_WEBHOOK_URL, e.TEAMS_WEBHOOK_SECRET_ARN);
  const routingKey = secretRef(
    'PAGERDUTY_ROUTING_KEY',
    e.PAGERDUTY_ROUTING_KEY,
    e.PAGERDUTY_ROUTING_KEY_SECRET_ARN,
    'PAGERDUTY_ROUTING_KEY',
  );
  const generic = secretRef('GENERIC_WEBHOOK', e.GENERIC_WEBHOOK_URL, e.GENERIC_WEBHOOK_SECRET_ARN);
  if (!slack && !slackApp && !teams && !routingKey && !generic && !routed) {
    throw new ConfigError(
      'no destination configured: set SLACK_WEBHOOK_URL or SLACK_WEBHOOK_SECRET_ARN (or SLACK_BOT_TOKEN and SLACK_CHANNEL), and/or TEAMS_WEBHOOK_URL or TEAMS_WEBHOOK_SECRET_ARN, and/or PAGERDUTY_ROUTING_KEY(_SECRET_ARN), and/or GENERIC_WEBHOOK_URL(_SECRET_ARN)',
    );
  }
  const pagerduty = routingKey && {
    routingKey,
    eventsUrl: e.PAGERDUTY_EVENTS_URL,
    notifyOn: e.PAGERDUTY_NOTIFY_ON,
  };
  return { slack, slackApp, teams, pagerduty, generic };
}

function alertingFrom(e: ParsedEnv): AlertingConfig {
  const [id = '', name = ''] = e.TEAMS_MENTION_ON_FAILURE?.split('|') ?? [];
  return {
    slack: { notifyOn: e.SLACK_NOTIFY_ON, mention: e.SLACK_MENTION_ON_FAILURE, mentionOn: e.SLACK_MENTION_ON },
    teams: {
      notifyOn: e.TEAMS_NOTIFY_ON,
      mention: e.TEAMS_MENTION_ON_FAILURE ? { id, name: name.trim() } : undefined,
      mentionOn: e.TEAMS_MENTION_ON,
    },
    generic: { notifyOn: e.GENERIC_NOTIFY_ON },
  };
}

/** `plain` names the variable holding the value itself, for the error when both it and the ARN are set. */
function secretRef(
  prefix: string,
  url: string | undefined,
  secretArn: string | undefined,
  plain = prefix === 'WEBHOOK_SIGNING' ? `${prefix}_SECRET` : `${prefix}_URL`,
): SecretRef | undefined {
  if (url && secretArn) {
    throw new ConfigError(`contradictory configuration: set only one of ${plain}, ${prefix}_SECRET_ARN`);
  }
  if (url) return { kind: 'value', value: url };
  if (secretArn) return { kind: 'secret', arn: secretArn };
  return undefined;
}

/** The notifier's variables that are set in `env`, for local runs that fill the rest with embedded defaults. */
export function notifierEnv(env: Env = process.env): Record<string, string> {
  return Object.fromEntries(KNOWN.flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
}
