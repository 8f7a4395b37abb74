import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { FleetMember } from '../appliance/fleet.ts';
import { type Config, loadConfig } from '../config/notifier.ts';
import { defaultSessionTypes, loadWatcherConfig, type WatcherConfig } from '../config/watcher.ts';
import type { Digest } from '../core/render/digest.ts';
import { chooseRoutes } from '../core/routing.ts';
import { deadlineFrom } from '../deadline.ts';
import { DEFAULT_ROUTE, type Route } from '../destinations/routing.ts';
import { NotifierError, TriggerError } from '../errors.ts';
import type { HttpAgents } from '../http/client.ts';
import type { Log, Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Destination } from '../ports.ts';
import { hostOf } from '../redact.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { createSecretReader, type SecretReader } from '../secrets.ts';
import { type FleetDigestReport, runFleetDigest } from './digest.ts';
import {
  type FleetReport,
  type FleetWatchDeps,
  type QueuedReport,
  watchAppliance,
  watchBatch,
  watchFleet,
} from './fleet.ts';
import { createPacer, createWatchPosters, type Pacer, pacedDestination, type WatchPoster } from './posters.ts';
import { createSqsWatchQueue, type WatchQueue } from './queue.ts';
import type { WatchDeps, WatchReport } from './run.ts';
import { createDynamoStateStores, createMemoryStateStores, type WatcherStateStore } from './state-store.ts';

/**
 * What starts the watcher: the EventBridge schedule's event (a watch tick), the digest schedule's constant input, one
 * appliance's watch task (direct), or a batch of watch tasks from the watch queue (the worker).
 * @example { "detail-type": "Scheduled Event", "source": "aws.events", "detail": {} }  or  { "task": "digest" }
 */
const TaskSchema = z.object({ task: z.enum(['watch', 'digest']), appliance: z.optional(z.string()) });
const QueueBatchSchema = z.looseObject({
  Records: z.array(z.looseObject({ eventSource: z.literal('aws:sqs') })).check(z.minLength(1)),
});
const WatcherEventSchema = z.union([
  z.looseObject({ 'detail-type': z.literal('Scheduled Event') }),
  TaskSchema,
  QueueBatchSchema,
]);

/** The watcher's dependencies: the notifier's runtime, the watcher's settings, and each appliance's watch. */
export interface WatcherRuntime extends FleetWatchDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly watch: WatcherConfig;
  readonly runtime: Runtime;
  /** The posters of one route (its Slack and Teams webhooks), on the same pacers as its notifications. */
  readonly postersFor: (route: Route) => WatchPoster[];
  readonly now?: () => number;
}

/** Slack takes about one message per second per incoming webhook; a backlog is paced so it never trips 429. */
export const SLACK_INTERVAL_MS = 1_000;

export interface WatcherOverrides {
  logger?: Logger;
  metrics?: Metrics;
  agents?: HttpAgents;
  secrets?: SecretReader;
  /** One store (a lone appliance), or one per appliance. */
  state?: WatcherStateStore | ((appliance: string) => WatcherStateStore);
  queue?: WatchQueue;
  slackIntervalMs?: number;
  stopBeforeEndMs?: number;
  missedRunCheckEveryMs?: number;
  now?: () => number;
}

/** Builds the watcher's dependencies from the environment; `overrides` lets tests and local runs inject transports. */
export function createWatcherRuntime(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: WatcherOverrides = {},
): WatcherRuntime {
  const config = loadConfig(env);
  const watch = loadWatcherConfig(env);
  const secrets = overrides.secrets ?? createSecretReader();
  const { pacer, wrap } = slackPacing(overrides.slackIntervalMs ?? SLACK_INTERVAL_MS);
  const runtime = createRuntime(config, {
    secrets,
    wrap,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
    ...(overrides.metrics ? { metrics: overrides.metrics } : {}),
    ...(overrides.agents ? { agents: overrides.agents } : {}),
  });
  const { logger } = runtime;
  if (watch.stateTable === undefined) {
    logger.warn('WATCHER_STATE_TABLE is not set: the cursor is kept in memory and lost on every cold start');
  }
  const stateFor = stateStores(watch, overrides.state);
  const postersFor = (route: Route) =>
    createWatchPosters(route.label === DEFAULT_ROUTE ? { ...route, slackApp: config.slackApp } : route, {
      secrets,
      perAttemptTimeoutMs: config.httpTimeoutMs,
      hostCheck: config.webhookHostCheck,
      pacer,
      ...(overrides.agents ? { agents: overrides.agents } : {}),
    });
  const depsFor = async (member: FleetMember): Promise<WatchDeps> => {
    const table = await runtime.routing.table();
    // Alerts about the appliance itself (missed runs, outage) follow the routes that take its failures.
    const choice = chooseRoutes(table.rules, { appliance: member.name, policy: null, outcome: 'failed' });
    const routes = choice.usesDefault ? [table.defaultRoute] : choice.rules.flatMap((i) => table.routes[i] ?? []);
    return {
      notify: runtime.notifyDeps(member),
      lister: member.client,
      state: stateFor(member.name),
      posters: routes.flatMap(postersFor),
      watch: {
        ...watch,
        sessionTypes: env.WATCH_SESSION_TYPES ? watch.sessionTypes : defaultSessionTypes(member.product),
        sessionUrl: member.sessionUrlTemplate ?? member.baseUrl,
      },
      logger: tagged(logger, { appliance: member.name === 'default' ? hostOf(member.baseUrl) : member.name }),
      metrics: runtime.metrics,
      ...runOptions(config, overrides),
    };
  };
  const queue = overrides.queue ?? (watch.queueUrl === undefined ? undefined : createSqsWatchQueue(watch.queueUrl));
  return {
    config,
    logger,
    watch,
    runtime,
    postersFor,
    members: runtime.fleet.members,
    member: runtime.fleet.member,
    depsFor,
    queue,
    concurrency: watch.fleetConcurrency,
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
  };
}

/** One pacer per Slack webhook (per route), shared by its notifications and the watcher's own posts. */
function slackPacing(intervalMs: number) {
  const pacers = new Map<string, Pacer>();
  const pacer = (name: string): Pacer | undefined => {
    if (!name.startsWith('slack')) return undefined;
    const found = pacers.get(name) ?? createPacer(intervalMs);
    pacers.set(name, found);
    return found;
  };
  const wrap = (destination: Destination, name: string): Destination => {
    const paced = pacer(name);
    return paced ? pacedDestination(destination, paced) : destination;
  };
  return { pacer, wrap };
}

/** The run knobs every appliance's watch shares. */
function runOptions(
  config: Config,
  overrides: WatcherOverrides,
): Pick<WatchDeps, 'stopBeforeEndMs' | 'missedRunCheckEveryMs' | 'now'> {
  return {
    stopBeforeEndMs: overrides.stopBeforeEndMs ?? Math.max(5_000, 2 * config.httpTimeoutMs),
    ...(overrides.missedRunCheckEveryMs === undefined
      ? {}
      : { missedRunCheckEveryMs: overrides.missedRunCheckEveryMs }),
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
  };
}

function stateStores(watch: WatcherConfig, given: WatcherOverrides['state']): (appliance: string) => WatcherStateStore {
  if (typeof given === 'function') return given;
  if (given !== undefined) return () => given;
  return watch.stateTable === undefined
    ? createMemoryStateStores()
    : createDynamoStateStores({ tableName: watch.stateTable });
}

/** A log whose every line names the appliance (several appliances share one process). */
function tagged(logger: Log, keys: Record<string, unknown>): Log {
  return {
    debug: (message, ...a) => logger.debug(message, keys, ...a),
    info: (message, ...a) => logger.info(message, keys, ...a),
    warn: (message, ...a) => logger.warn(message, keys, ...a),
    error: (message, ...a) => logger.error(message, keys, ...a),
  };
}

/** What the watcher's handler answers, per event. */
export type WatcherResult =
  | WatchReport
  | FleetReport
  | QueuedReport
  | Digest
  | FleetDigestReport
  | { skipped: string }
  | { batchItemFailures: { itemIdentifier: string }[] };

/** Builds the watcher's Lambda handler around a runtime factory, called once per container on first use. */
export function createWatcherHandler(makeRuntime: () => WatcherRuntime) {
  let runtime: WatcherRuntime | undefined;
  return async (event: unknown, context: Context): Promise<WatcherResult> => {
    const parsed = WatcherEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new TriggerError(
        'the watcher expects an EventBridge "Scheduled Event", { "task": "watch" | "digest" } or watch-queue messages',
      );
    }
    const batch = QueueBatchSchema.safeParse(event).success;
    const named = TaskSchema.safeParse(event);
    const task = batch ? 'worker' : named.success ? named.data.task : 'watch';
    runtime ??= makeRuntime();
    const { logger } = runtime;
    logger.addContext(context);
    logger.appendKeys({ trigger: batch ? 'sqs' : 'schedule', task, requestId: context.awsRequestId });
    const deadline = deadlineFrom(context, runtime.config.deadlineMarginMs);
    try {
      // The loose schema validated the SQS shape and kept every field AWS sent.
      if (batch) return await watchBatch(runtime, event as SQSEvent, deadline);
      const appliance = named.success ? named.data.appliance : undefined;
      if (task === 'watch' && appliance !== undefined) {
        return await watchAppliance(runtime, await runtime.member(appliance), deadline);
      }
      if (task === 'watch') return await watchFleet(runtime, deadline);
      if (runtime.watch.digestCron === undefined) {
        logger.info('digest skipped: DIGEST_CRON is not set');
        return { skipped: 'DIGEST_CRON is not set' };
      }
      return await runFleetDigest(runtime, deadline);
    } catch (error) {
      logger.error('watcher run failed', {
        retryable: error instanceof NotifierError ? error.retryable : true,
        error: error as Error,
      });
      throw error;
    } finally {
      logger.removeKeys(['trigger', 'task', 'requestId']);
    }
  };
}
