import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { type Config, loadConfig } from '../config/notifier.ts';
import { loadWatcherConfig } from '../config/watcher.ts';
import type { Digest } from '../core/render/digest.ts';
import { deadlineFrom } from '../deadline.ts';
import { NotifierError, TriggerError } from '../errors.ts';
import type { HttpAgents } from '../http/client.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { createRuntime } from '../runtime.ts';
import { createSecretReader, type SecretReader } from '../secrets.ts';
import { applianceHost } from '../triggers/session.ts';
import { runDigest } from './digest.ts';
import { createPacer, createWatchPosters, pacedDestination } from './posters.ts';
import { runWatch, type WatchDeps, type WatchReport } from './run.ts';
import { createDynamoStateStore, createMemoryStateStore, type WatcherStateStore } from './state-store.ts';

/**
 * What starts the watcher: the EventBridge schedule's event (a watch run), or the digest schedule's constant input.
 * @example { "detail-type": "Scheduled Event", "source": "aws.events", "detail": {} }  or  { "task": "digest" }
 */
const WatcherEventSchema = z.union([
  z.looseObject({ 'detail-type': z.literal('Scheduled Event') }),
  z.object({ task: z.enum(['watch', 'digest']) }),
]);

/** The watcher's dependencies plus the margin kept free at the end of each invocation. */
export interface WatcherRuntime extends WatchDeps {
  readonly config: Config;
  readonly logger: Logger;
}

/** Slack takes about one message per second per incoming webhook; a backlog is paced so it never trips 429. */
export const SLACK_INTERVAL_MS = 1_000;

/** Builds the watcher's dependencies from the environment; `overrides` lets tests and local runs inject transports. */
export function createWatcherRuntime(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: {
    logger?: Logger;
    metrics?: Metrics;
    agents?: HttpAgents;
    secrets?: SecretReader;
    state?: WatcherStateStore;
    slackIntervalMs?: number;
    stopBeforeEndMs?: number;
    missedRunCheckEveryMs?: number;
    now?: () => number;
  } = {},
): WatcherRuntime {
  const config = loadConfig(env);
  const watch = loadWatcherConfig(env, config.sessionUrlTemplate ?? config.api.baseUrl);
  const secrets = overrides.secrets ?? createSecretReader();
  const runtime = createRuntime(config, {
    secrets,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
    ...(overrides.metrics ? { metrics: overrides.metrics } : {}),
    ...(overrides.agents ? { agents: overrides.agents } : {}),
  });
  const slackPacer = createPacer(overrides.slackIntervalMs ?? SLACK_INTERVAL_MS);
  const pacers = new Map([['slack', slackPacer]]);
  if (watch.stateTable === undefined) {
    runtime.logger.warn('WATCHER_STATE_TABLE is not set: the cursor is kept in memory and lost on every cold start');
  }
  return {
    config,
    logger: runtime.logger,
    metrics: runtime.metrics,
    notify: {
      source: runtime.source,
      destinations: runtime.destinations.map((d) => (d.name === 'slack' ? pacedDestination(d, slackPacer) : d)),
    },
    lister: runtime.appliance,
    state:
      overrides.state ??
      (watch.stateTable === undefined
        ? createMemoryStateStore()
        : createDynamoStateStore({ tableName: watch.stateTable })),
    posters: createWatchPosters(config, { secrets, pacers, ...(overrides.agents ? { agents: overrides.agents } : {}) }),
    watch,
    stopBeforeEndMs: overrides.stopBeforeEndMs ?? Math.max(5_000, 2 * config.httpTimeoutMs),
    ...(overrides.missedRunCheckEveryMs === undefined
      ? {}
      : { missedRunCheckEveryMs: overrides.missedRunCheckEveryMs }),
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
  };
}

/** Builds the watcher's Lambda handler around a runtime factory, called once per container on first use. */
export function createWatcherHandler(makeRuntime: () => WatcherRuntime) {
  let runtime: WatcherRuntime | undefined;
  return async (event: unknown, context: Context): Promise<WatchReport | Digest | { skipped: string }> => {
    const parsed = WatcherEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new TriggerError('the watcher expects an EventBridge "Scheduled Event" or { "task": "watch" | "digest" }');
    }
    const task = 'task' in parsed.data ? parsed.data.task : 'watch';
    runtime ??= makeRuntime();
    const { logger } = runtime;
    logger.addContext(context);
    logger.appendKeys({
      trigger: 'schedule',
      task,
      requestId: context.awsRequestId,
      appliance: applianceHost(runtime.config.api.baseUrl),
    });
    const deadline = deadlineFrom(context, runtime.config.deadlineMarginMs);
    try {
      if (task === 'watch') return await runWatch(runtime, deadline);
      if (runtime.watch.digestCron === undefined) {
        logger.info('digest skipped: DIGEST_CRON is not set');
        return { skipped: 'DIGEST_CRON is not set' };
      }
      return await runDigest(runtime, deadline);
    } catch (error) {
      logger.error('watcher run failed', {
        retryable: error instanceof NotifierError ? error.retryable : true,
        error: error as Error,
      });
      throw error;
    } finally {
      logger.removeKeys(['trigger', 'task', 'requestId', 'appliance']);
    }
  };
}
