import * as z from 'zod/mini';
import { ConfigError } from '../errors.ts';

/** The process environment, or any map of variables (tests, local runs). */
export type Env = Readonly<Record<string, string | undefined>>;

// The scheduled watcher's variables, read by loadWatcherConfig.
export const WATCHER_KNOWN = [
  'WATCHER_STATE_TABLE',
  'WATCH_QUEUE_URL',
  'WATCH_FLEET_CONCURRENCY',
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
export const KNOWN = [
  'BACKUP_PRODUCT',
  'BACKUP_API_URL',
  'BACKUP_API_VERSION',
  'BACKUP_API_TOKEN',
  'BACKUP_API_USERNAME',
  'BACKUP_API_PASSWORD',
  'BACKUP_API_SECRET_ARN',
  'BACKUP_API_CA_CERT',
  'BACKUP_API_INSECURE_TLS',
  'BACKUP_API_ALLOW_HTTP',
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
  'APPLIANCES',
  'APPLIANCES_SECRET_ARN',
  'ROUTES',
  'ROUTES_SECRET_ARN',
  'WEBHOOK_HOST_CHECK',
  'HISTORY_TABLE',
  'DURATION_ANOMALY_FACTOR',
  'SLACK_BOT_TOKEN',
  'SLACK_BOT_TOKEN_SECRET_ARN',
  'SLACK_CHANNEL',
  'SLACK_API_URL',
  ...WATCHER_KNOWN,
] as const;
/** The prefixes of the variables the config owns: an unknown name with one of them is reported as a typo. */
export const OUR_PREFIXES = [
  'BACKUP_API_',
  'BACKUP_PRODUCT',
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
  'HISTORY_',
  'DURATION_',
  'APPLIANCES',
  'ROUTES',
];

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
export const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty')));
export const arn = z
  .string()
  .check(
    z.regex(/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+$/, 'must be a Secrets Manager secret ARN'),
  );
export const flag = z._default(
  z.pipe(
    z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }),
    z.transform((v) => v === 'true' || v === '1'),
  ),
  false,
);
export const notifyOn = z._default(
  z.enum(['all', 'problems', 'failures', 'changes'], { error: 'must be all, problems, failures or changes' }),
  'all',
);
export const mentionOn = z._default(
  z.enum(['failures', 'problems'], { error: 'must be failures or problems' }),
  'failures',
);

/** Fails on variables that carry our prefixes but that no configuration reads: almost always a typo. */
export function rejectUnknownVariables(env: Env): void {
  const unknown = Object.keys(env).filter(
    (key) => OUR_PREFIXES.some((prefix) => key.startsWith(prefix)) && !(KNOWN as readonly string[]).includes(key),
  );
  if (unknown.length > 0) throw new ConfigError(`unknown configuration variable ${unknown.sort().join(', ')}`);
}

/**
 * Picks `keys` from `env` (blank values count as unset, so `FOO=` in a .env file does not trip validation) and
 * parses them; the error names each variable and rule, never a value (it may be a secret).
 */
export function parseEnv<T>(schema: z.ZodMiniType<T>, keys: readonly string[], env: Env, what: string): T {
  const picked = Object.fromEntries(keys.map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const parsed = schema.safeParse(picked);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => issueText(issue, 'environment'));
  throw new ConfigError(`invalid ${what}: ${problems.join('; ')}`, { cause: parsed.error });
}

/**
 * One validation problem as "<field> <rule>", naming a field that is not one as `whole`; zod/mini ships no message
 * texts, so its bare "Invalid input" is replaced by what was expected.
 * @example issueText(wrongType, 'entry') // "entry must be an object"
 */
export function issueText(issue: z.core.$ZodIssue, whole: string): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => k.slice(0, 40)).join(', ')}`;
  const field = issue.path.length > 0 ? issue.path.join('.') : whole;
  if (issue.message !== 'Invalid input') return `${field} ${issue.message}`;
  if (issue.code !== 'invalid_type') return `${field} is not valid`;
  return `${field} must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
}

/** The logger's settings from the variables Powertools reads: POWERTOOLS_LOG_LEVEL (then AWS_LAMBDA_LOG_LEVEL), POWERTOOLS_SERVICE_NAME. */
export function loggerEnv(env: Env = process.env): {
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | undefined;
  traceId: () => string | undefined;
  serviceName: string | undefined;
  initializationType: string | undefined;
} {
  const level = (env.POWERTOOLS_LOG_LEVEL ?? env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase();
  const known = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
  const logLevel = level === 'TRACE' ? 'DEBUG' : level === 'CRITICAL' ? 'ERROR' : known.find((k) => k === level);
  // Read per line: the runtime sets a new trace header for every invocation.
  const traceId = () => /Root=([^;]+)/.exec(env._X_AMZN_TRACE_ID ?? '')?.[1];
  return {
    logLevel,
    traceId,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
    initializationType: env.AWS_LAMBDA_INITIALIZATION_TYPE,
  };
}

/** Parses configuration JSON held in `where` (a variable or a secret) without quoting it: the text may hold secrets. */
export function parseConfigJson(json: string, where: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new ConfigError(`${where} is not JSON (${json.length} characters)`);
  }
}
