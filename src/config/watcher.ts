import * as z from 'zod/mini';
import { ConfigError } from '../errors.ts';
import { type Env, parseEnv, WATCHER_KNOWN } from './env.ts';

/** The scheduled watcher's settings (see README "Scheduled watcher"); durations in milliseconds. */
export interface WatcherConfig {
  /** DynamoDB table for the cursor and per-session markers; undefined keeps state in memory (local runs only). */
  readonly stateTable: string | undefined;
  /** The watch queue (SQS): the scheduled run sends one message per appliance; undefined runs the fleet in process. */
  readonly queueUrl: string | undefined;
  /** How many appliances one process watches at once (the scheduled run without a queue, the local fleet). */
  readonly fleetConcurrency: number;
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

/**
 * The backup sessions each product lists by default: Azure's policy sessions, Backup & Replication's backup jobs, AWS's
 * policy sessions; Google Cloud's type names are UNCONFIRMED, so every type ("*"). "*" asks for no type filter.
 */
const DEFAULT_SESSION_TYPES: Readonly<Record<string, string>> = {
  azure: 'PolicyBackup,PolicySnapshot,PolicyArchive',
  vbr: 'BackupJob',
  aws: 'Policy',
  gcp: '*',
};

/** The session types the watcher lists for `product` when WATCH_SESSION_TYPES is not set (a fleet mixes products). */
export function defaultSessionTypes(product: string): string[] {
  return sessionTypesFrom(undefined, product);
}

function sessionTypesFrom(configured: string | undefined, product: string | undefined): string[] {
  const text = configured ?? DEFAULT_SESSION_TYPES[product ?? 'azure'] ?? DEFAULT_SESSION_TYPES.azure ?? '';
  return text.trim() === '*' ? [] : text.split(',').map((t) => t.trim());
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
  WATCH_QUEUE_URL: z.optional(z.url({ protocol: /^https?$/, error: 'must be an SQS queue URL' })),
  WATCH_FLEET_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(64)), 16),
  // Validated only: the deployment reads it (its default lives in serverless.yml).
  WATCH_SCHEDULE: z.optional(scheduleExpression),
  WATCH_SESSION_TYPES: z.optional(
    z
      .string()
      .check(
        z.regex(/^\s*(\*|[A-Za-z]+(\s*,\s*[A-Za-z]+)*)\s*$/, 'must be a comma-separated list of session types, or *'),
      ),
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

/**
 * Reads and validates the watcher's settings (loadConfig validates the shared ones and rejects typos); `sessionLink`
 * links digest failures (SESSION_URL_TEMPLATE, else the appliance's URL).
 */
export function loadWatcherConfig(env: Env = process.env, sessionLink?: string): WatcherConfig {
  const e = parseEnv(WatcherEnvSchema, WATCHER_KNOWN, env, 'watcher configuration');
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
    queueUrl: e.WATCH_QUEUE_URL,
    fleetConcurrency: e.WATCH_FLEET_CONCURRENCY,
    sessionTypes: Object.freeze(sessionTypesFrom(e.WATCH_SESSION_TYPES, env.BACKUP_PRODUCT)),
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
