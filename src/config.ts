import * as z from 'zod/mini';
import type { MentionOn, NotifyOn } from './core/context.ts';
import type { TeamsMention } from './core/render/teams.ts';
import { isStrongSigningSecret, SIGNING_SECRET_RULE } from './core/signature.ts';
import { destinationUrlProblems } from './destinations/webhook-url.ts';
import { ConfigError } from './errors.ts';

/** Where a secret value comes from: the environment (local runs) or AWS Secrets Manager (deployed). */
export type SecretRef =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'secret'; readonly arn: string };

/** Credentials for the appliance, or the ARN of a JSON secret holding them. */
export type CredentialsRef =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  | { readonly kind: 'secret'; readonly arn: string };

export interface Config {
  readonly api: {
    readonly baseUrl: string;
    readonly version: string;
    readonly credentials: CredentialsRef;
    readonly caCertPem: string | undefined;
    readonly insecureTls: boolean;
  };
  readonly slack: SecretRef | undefined;
  readonly teams: SecretRef | undefined;
  /** PagerDuty Events API v2 (on-call paging): the routing key, the endpoint, and which sessions trigger. */
  readonly pagerduty: PagerDutyConfig | undefined;
  /** A generic JSON webhook receiving the versioned summary (docs/generic-webhook.schema.json). */
  readonly generic: SecretRef | undefined;
  /** Who hears about what, and who is pinged, per destination. */
  readonly alerting: AlertingConfig;
  /** A console link per session, e.g. "https://appliance/#/sessions/{sessionId}". */
  readonly sessionUrlTemplate: string | undefined;
  /** The shared secret that signs HTTP webhook requests; undefined when the HTTP trigger is not set up. */
  readonly webhookSigning: SecretRef | undefined;
  /** Kept free at the end of every invocation so it can fail cleanly instead of being killed. */
  readonly deadlineMarginMs: number;
  /** The longest any single HTTP attempt may take. */
  readonly httpTimeoutMs: number;
  /** DynamoDB table of delivery records (exactly once per session, destination and outcome); in memory when unset. */
  readonly idempotencyTable: string | undefined;
  /** WEBHOOK_HOST_CHECK: destination URLs must be on their service's hosts (off for proxies; https is always required). */
  readonly webhookHostCheck: boolean;
}

export interface PagerDutyConfig {
  readonly routingKey: SecretRef;
  readonly eventsUrl: string;
  /** "failures" (default): only failed sessions trigger; "problems": warnings trigger too. */
  readonly notifyOn: Exclude<NotifyOn, 'all'>;
}

export interface AlertingConfig {
  readonly slack: { readonly notifyOn: NotifyOn; readonly mention: string | undefined; readonly mentionOn: MentionOn };
  readonly teams: {
    readonly notifyOn: NotifyOn;
    readonly mention: TeamsMention | undefined;
    readonly mentionOn: MentionOn;
  };
  readonly generic: { readonly notifyOn: NotifyOn };
}

/** PagerDuty's Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

// The scheduled watcher's variables (issue 7), read by loadWatcherConfig below.
const WATCHER_KNOWN = [
  'WATCHER_STATE_TABLE',
  'WATCH_SCHEDULE',
  'WATCH_SESSION_TYPES',
  'WATCH_BACKFILL',
  'WATCH_OVERLAP',
  'WATCH_LONGEST_RUN',
  'WATCH_CONCURRENCY',
  'WATCH_PAGE_SIZE',
  'DIGEST_CRON',
  'MISSED_RUN_LOOKBACK',
  'MISSED_RUN_AFTER',
] as const;

// Every variable the notifier reads; an unknown one with our prefixes is a typo worth failing on.
const KNOWN = [
  'BACKUP_API_URL',
  'BACKUP_API_VERSION',
  'BACKUP_API_TOKEN',
  'BACKUP_API_USERNAME',
  'BACKUP_API_PASSWORD',
  'BACKUP_API_SECRET_ARN',
  'BACKUP_API_CA_CERT',
  'BACKUP_API_INSECURE_TLS',
  'SLACK_WEBHOOK_URL',
  'SLACK_WEBHOOK_SECRET_ARN',
  'TEAMS_WEBHOOK_URL',
  'TEAMS_WEBHOOK_SECRET_ARN',
  'NOTIFIER_DEADLINE_MARGIN_MS',
  'NOTIFIER_HTTP_TIMEOUT_MS',
  'SESSION_URL_TEMPLATE',
  'SLACK_NOTIFY_ON',
  'SLACK_MENTION_ON_FAILURE',
  'SLACK_MENTION_ON',
  'TEAMS_NOTIFY_ON',
  'TEAMS_MENTION_ON_FAILURE',
  'TEAMS_MENTION_ON',
  'PAGERDUTY_ROUTING_KEY',
  'PAGERDUTY_ROUTING_KEY_SECRET_ARN',
  'PAGERDUTY_EVENTS_URL',
  'PAGERDUTY_NOTIFY_ON',
  'GENERIC_WEBHOOK_URL',
  'GENERIC_WEBHOOK_SECRET_ARN',
  'GENERIC_NOTIFY_ON',
  'WEBHOOK_SIGNING_SECRET',
  'WEBHOOK_SIGNING_SECRET_ARN',
  'IDEMPOTENCY_TABLE',
  'WEBHOOK_HOST_CHECK',
  ...WATCHER_KNOWN,
] as const;
const OUR_PREFIXES = [
  'BACKUP_API_',
  'SLACK_',
  'TEAMS_',
  'NOTIFIER_',
  'WEBHOOK_',
  'PAGERDUTY_',
  'GENERIC_',
  'SESSION_',
  'IDEMPOTENCY_',
  'WATCH_',
  'WATCHER_',
  'DIGEST_',
  'MISSED_',
];

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty')));
const arn = z
  .string()
  .check(
    z.regex(/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+$/, 'must be a Secrets Manager secret ARN'),
  );
const flag = z._default(
  z.pipe(
    z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }),
    z.transform((v) => v === 'true' || v === '1'),
  ),
  false,
);
const notifyOn = z._default(
  z.enum(['all', 'problems', 'failures'], { error: 'must be all, problems or failures' }),
  'all',
);
const mentionOn = z._default(z.enum(['failures', 'problems'], { error: 'must be failures or problems' }), 'failures');
// One or more Slack mention tokens: a user group, a user, or @here/@channel; nothing else can ride along.
const SLACK_MENTION =
  /^(?:<!subteam\^S[A-Z0-9]{2,20}>|<@[UW][A-Z0-9]{2,20}>|<!here>|<!channel>)(?: (?:<!subteam\^S[A-Z0-9]{2,20}>|<@[UW][A-Z0-9]{2,20}>|<!here>|<!channel>)){0,9}$/;
// "UPN or Entra object ID|Display Name": plain characters only, since the name is placed verbatim inside <at>…</at>.
const TEAMS_MENTION =
  /^(?:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\|[\p{L}\p{N}][\p{L}\p{N} .'’()-]{0,99}$/u;
const sessionUrlTemplate = z.pipe(httpUrl, z.string().check(z.includes('{sessionId}', 'must contain {sessionId}')));
const millis = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(900_000)), fallback);

const EnvSchema = z.object({
  BACKUP_API_URL: z.pipe(
    httpUrl,
    z.transform((u) => u.replace(/\/+$/, '')),
  ),
  BACKUP_API_VERSION: z._default(z.string().check(z.regex(/^v\d+(\.\d+)?$/, 'must look like v1 or v8.1')), 'v1'),
  BACKUP_API_TOKEN: optionalText,
  BACKUP_API_USERNAME: optionalText,
  BACKUP_API_PASSWORD: optionalText,
  BACKUP_API_SECRET_ARN: z.optional(arn),
  BACKUP_API_CA_CERT: z.optional(
    z.string().check(z.includes('-----BEGIN CERTIFICATE-----', 'must be a PEM certificate')),
  ),
  BACKUP_API_INSECURE_TLS: flag,
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
  IDEMPOTENCY_TABLE: z.optional(
    z.string().check(z.regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)')),
  ),
});

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the notifier's configuration; the only reader of process.env in the project. */
export function loadConfig(env: Env = process.env): Config {
  const unknown = Object.keys(env).filter(
    (key) => OUR_PREFIXES.some((prefix) => key.startsWith(prefix)) && !(KNOWN as readonly string[]).includes(key),
  );
  if (unknown.length > 0) throw new ConfigError(`unknown configuration variable ${unknown.sort().join(', ')}`);

  // Blank values count as unset, so `FOO=` in a .env file does not trip validation.
  const picked = Object.fromEntries(KNOWN.map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    // Name the variable and the rule, never the value (it may be a secret).
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const e = parsed.data;
  const { SLACK_WEBHOOK_URL: slack, TEAMS_WEBHOOK_URL: teams, GENERIC_WEBHOOK_URL: generic } = e;
  const urlProblems = destinationUrlProblems(
    { slack, teams, generic, pagerduty: e.PAGERDUTY_EVENTS_URL },
    e.WEBHOOK_HOST_CHECK === 'on',
  );
  if (urlProblems.length > 0) throw new ConfigError(`invalid configuration: ${urlProblems.join('; ')}`);
  return Object.freeze({
    api: Object.freeze({
      baseUrl: e.BACKUP_API_URL,
      version: e.BACKUP_API_VERSION,
      credentials: credentialsFrom(e),
      caCertPem: e.BACKUP_API_CA_CERT,
      insecureTls: e.BACKUP_API_INSECURE_TLS,
    }),
    ...destinationsFrom(e),
    alerting: alertingFrom(e),
    sessionUrlTemplate: e.SESSION_URL_TEMPLATE,
    webhookSigning: secretRef('WEBHOOK_SIGNING', e.WEBHOOK_SIGNING_SECRET, e.WEBHOOK_SIGNING_SECRET_ARN),
    deadlineMarginMs: e.NOTIFIER_DEADLINE_MARGIN_MS,
    httpTimeoutMs: e.NOTIFIER_HTTP_TIMEOUT_MS,
    idempotencyTable: e.IDEMPOTENCY_TABLE,
    webhookHostCheck: e.WEBHOOK_HOST_CHECK === 'on',
  });
}

function credentialsFrom(e: z.infer<typeof EnvSchema>): CredentialsRef {
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

function destinationsFrom(e: z.infer<typeof EnvSchema>): Pick<Config, 'slack' | 'teams' | 'pagerduty' | 'generic'> {
  const slack = secretRef('SLACK_WEBHOOK', e.SLACK_WEBHOOK_URL, e.SLACK_WEBHOOK_SECRET_ARN);
  const teams = secretRef('TEAMS_WEBHOOK', e.TEAMS_WEBHOOK_URL, e.TEAMS_WEBHOOK_SECRET_ARN);
  const routingKey = secretRef(
    'PAGERDUTY_ROUTING_KEY',
    e.PAGERDUTY_ROUTING_KEY,
    e.PAGERDUTY_ROUTING_KEY_SECRET_ARN,
    'PAGERDUTY_ROUTING_KEY',
  );
  const generic = secretRef('GENERIC_WEBHOOK', e.GENERIC_WEBHOOK_URL, e.GENERIC_WEBHOOK_SECRET_ARN);
  if (!slack && !teams && !routingKey && !generic) {
    throw new ConfigError(
      'no destination configured: set SLACK_WEBHOOK_URL or SLACK_WEBHOOK_SECRET_ARN, and/or TEAMS_WEBHOOK_URL or TEAMS_WEBHOOK_SECRET_ARN, and/or PAGERDUTY_ROUTING_KEY(_SECRET_ARN), and/or GENERIC_WEBHOOK_URL(_SECRET_ARN)',
    );
  }
  const pagerduty = routingKey && {
    routingKey,
    eventsUrl: e.PAGERDUTY_EVENTS_URL,
    notifyOn: e.PAGERDUTY_NOTIFY_ON,
  };
  return { slack, teams, pagerduty, generic };
}

function alertingFrom(e: z.infer<typeof EnvSchema>): AlertingConfig {
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

/** The logger's settings from the variables Powertools defined: POWERTOOLS_LOG_LEVEL (then AWS_LAMBDA_LOG_LEVEL). */
export function loggerEnv(env: Env = process.env): {
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined;
  traceId: () => string | undefined;
} {
  const level = (env.POWERTOOLS_LOG_LEVEL ?? env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase();
  const known = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
  const logLevel = level === 'TRACE' ? 'DEBUG' : level === 'CRITICAL' ? 'ERROR' : known.find((k) => k === level);
  // Read per line: the runtime sets a new trace header for every invocation.
  const traceId = () => /Root=([^;]+)/.exec(env._X_AMZN_TRACE_ID ?? '')?.[1];
  return { logLevel, traceId };
}

/** The scheduled watcher's settings (see README "Scheduled watcher"); durations in milliseconds. */
export interface WatcherConfig {
  /** DynamoDB table for the cursor and per-session markers; undefined keeps state in memory (local runs only). */
  readonly stateTable: string | undefined;
  readonly sessionTypes: readonly string[];
  readonly backfillMs: number;
  readonly overlapMs: number;
  readonly longestRunMs: number;
  readonly concurrency: number;
  readonly pageSize: number;
  /** Link for a session in the digest: `{sessionId}` is replaced by the session ID; default the appliance's address. */
  readonly sessionUrl: string;
  /** The digest's EventBridge schedule; undefined means no digest is posted. */
  readonly digestCron: string | undefined;
  readonly missedRunLookbackMs: number;
  /** 0 turns missed-run alerts off. */
  readonly missedRunAfterMs: number;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const durationText = z.optional(
  z.string().check(z.regex(/^\d{1,6}[smhd]$/, 'must be a duration such as 90s, 15m, 26h or 7d')),
);

/** `90s`, `15m`, `26h`, `7d` → milliseconds. */
function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * (DURATION_UNITS[text.slice(-1)] ?? 0);
}

const scheduleExpression = z
  .string()
  .check(
    z.regex(/^(rate|cron)\(.+\)$/, 'must be an EventBridge schedule such as rate(5 minutes) or cron(0 7 * * ? *)'),
  );

const WatcherEnvSchema = z.object({
  WATCHER_STATE_TABLE: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  ),
  WATCH_SCHEDULE: z._default(scheduleExpression, 'rate(5 minutes)'),
  WATCH_SESSION_TYPES: z._default(
    z
      .string()
      .check(z.regex(/^\s*[A-Za-z]+(\s*,\s*[A-Za-z]+)*\s*$/, 'must be a comma-separated list of session types')),
    'PolicyBackup,PolicySnapshot,PolicyArchive',
  ),
  WATCH_BACKFILL: durationText,
  WATCH_OVERLAP: durationText,
  WATCH_LONGEST_RUN: durationText,
  WATCH_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(32)), 4),
  WATCH_PAGE_SIZE: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100),
  DIGEST_CRON: z.optional(scheduleExpression),
  MISSED_RUN_LOOKBACK: durationText,
  MISSED_RUN_AFTER: durationText,
});

/** Reads and validates the watcher's settings (loadConfig still validates the shared ones and rejects typos). */
/** The watcher's settings; `sessionLink` links digest failures (SESSION_URL_TEMPLATE, else the appliance's URL). */
export function loadWatcherConfig(env: Env = process.env, sessionLink?: string): WatcherConfig {
  const picked = Object.fromEntries(WATCHER_KNOWN.map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const parsed = WatcherEnvSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
    throw new ConfigError(`invalid watcher configuration: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const e = parsed.data;
  const within = (variable: string, text: string | undefined, fallback: string, max: string): number => {
    const ms = durationMs(text ?? fallback);
    if (ms > durationMs(max))
      throw new ConfigError(`invalid watcher configuration: ${variable} must be at most ${max}`);
    return ms;
  };
  const missedRunLookbackMs = within('MISSED_RUN_LOOKBACK', e.MISSED_RUN_LOOKBACK, '7d', '90d');
  const missedRunAfterMs = within('MISSED_RUN_AFTER', e.MISSED_RUN_AFTER, '26h', '90d');
  if (missedRunAfterMs >= missedRunLookbackMs) {
    throw new ConfigError('invalid watcher configuration: MISSED_RUN_AFTER must be shorter than MISSED_RUN_LOOKBACK');
  }
  return Object.freeze({
    stateTable: e.WATCHER_STATE_TABLE,
    sessionTypes: Object.freeze(e.WATCH_SESSION_TYPES.split(',').map((t) => t.trim())),
    backfillMs: within('WATCH_BACKFILL', e.WATCH_BACKFILL, '1h', '30d'),
    overlapMs: within('WATCH_OVERLAP', e.WATCH_OVERLAP, '10m', '1d'),
    longestRunMs: within('WATCH_LONGEST_RUN', e.WATCH_LONGEST_RUN, '24h', '30d'),
    concurrency: e.WATCH_CONCURRENCY,
    pageSize: e.WATCH_PAGE_SIZE,
    sessionUrl: sessionLink ?? '',
    digestCron: e.DIGEST_CRON,
    missedRunLookbackMs,
    missedRunAfterMs,
  });
}
