import { createFleet, type Fleet, type FleetMember } from './appliance/fleet.ts';
import { loggerEnv } from './config/env.ts';
import type { Config, SecretRef } from './config/notifier.ts';
import { metricsEnv } from './config/observability.ts';
import { isClearTextAppliance } from './config/urls.ts';
import { DEFAULT_BASELINE_MIN_RUNS } from './core/history/baseline.ts';
import {
  createDynamoDeliveryStore,
  createMemoryDeliveryStore,
  type DeliveryStore,
} from './destinations/delivery-store.ts';
import type { WebhookTransport } from './destinations/post-webhook.ts';
import { createRouting, type Routing, type RoutingOptions } from './destinations/routing.ts';
import { createSlackWebApi } from './destinations/slack-api.ts';
import { createSlackAppDestination } from './destinations/slack-app.ts';
import { createHistoryRecorder, type HistoryRecorder } from './history/recorder.ts';
import { createDynamoHistoryStore, createMemoryHistoryStore, type HistoryStore } from './history/store.ts';
import { createAgents, type HttpAgents } from './http/client.ts';
import { createLogger, type Logger } from './logger.ts';
import { measuredSource } from './measured.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { NotifyDeps } from './notify.ts';
import { registerSecret, registerWebhookUrl } from './redact.ts';
import { createSecretReader, resolveSigningSecret, resolveSlackBotToken, type SecretReader } from './secrets.ts';
import { REPLAY_MEMORY_SECONDS } from './triggers/replay-guard.ts';

/** Everything an invocation needs, built once per container and reused while it is warm. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  /** EMF metrics on stdout (POWERTOOLS_METRICS_NAMESPACE); local runs pass noMetrics. */
  readonly metrics: Metrics;
  /** Every appliance, each with its own client and token cache. */
  readonly fleet: Fleet;
  /** Which destinations each message goes to (ROUTES, else the global destinations). */
  readonly routing: Routing;
  /** The notifier's dependencies for sessions of one appliance. */
  notifyDeps(member: FleetMember): NotifyDeps;
  /** The HTTP trigger's signing secret (cached per container when it comes from Secrets Manager); undefined if not set up. */
  readonly signingSecret: (() => Promise<string>) | undefined;
  /** Where the HTTP trigger remembers accepted signatures: the delivery record store. */
  readonly replayStore: DeliveryStore;
  /** Each policy's memory (streaks, baselines, Slack threads), read and written around every notification. */
  readonly history: HistoryRecorder;
}

/** What tests and local runs may inject; `wrap` lets the watcher pace every destination on one webhook. */
export interface RuntimeOverrides {
  logger?: Logger;
  metrics?: Metrics;
  agents?: HttpAgents;
  secrets?: SecretReader;
  deliveryStore?: DeliveryStore;
  historyStore?: HistoryStore;
  /** How many earlier successful runs a duration baseline needs (default 5; short demo sequences use fewer). */
  baselineMinRuns?: number;
  wrap?: RoutingOptions['wrap'];
}

/** Builds the runtime from a validated config; `overrides` lets tests and local runs inject transports. */
export function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Runtime {
  const logger = overrides.logger ?? createLogger(loggerEnv());
  const metrics = overrides.metrics ?? createMetrics(metricsEnv());
  const secrets = overrides.secrets ?? createSecretReader();
  registerConfiguredSecrets(config);
  prefetchSecrets(config, secrets);
  if (
    config.appliances.kind === 'list' &&
    config.appliances.appliances.some((a) => a.allowHttp && isClearTextAppliance(a.baseUrl))
  ) {
    logger.warn('BACKUP_API_ALLOW_HTTP is true: the password grant and bearer token cross the network in clear');
  }
  const fleet = createFleet(config.appliances, {
    secrets,
    perAttemptTimeoutMs: config.httpTimeoutMs,
    logger,
    agents: overrides.agents,
  });

  // Exactly once per (appliance, session, destination, outcome): DynamoDB when IDEMPOTENCY_TABLE is set, else memory.
  const recordStore = (expiresAfterSeconds?: number) => {
    const options = { graceMs: config.deadlineMarginMs, ...(expiresAfterSeconds ? { expiresAfterSeconds } : {}) };
    return config.idempotencyTable
      ? createDynamoDeliveryStore(config.idempotencyTable, options)
      : createMemoryDeliveryStore(options);
  };
  const deliveryStore = overrides.deliveryStore ?? recordStore();
  // Start loading the store's SDK now (first invocation), so it overlaps the appliance calls instead of the first post.
  deliveryStore.prepare();

  // Webhooks are public HTTPS endpoints: they use the system trust store, never an appliance's custom CA or insecure flag.
  const transport = { agents: overrides.agents ?? createAgents(), perAttemptTimeoutMs: config.httpTimeoutMs, logger };
  const history = historyRecorder(config, overrides, logger);
  const slackApp = slackAppDestination(config, secrets, transport, history);
  const routing = createRouting(config, {
    ...(slackApp ? { defaultExtras: [slackApp] } : {}),
    secrets,
    hostCheck: config.webhookHostCheck,
    transport,
    deliveryStore,
    logger,
    metrics,
    ...(overrides.wrap ? { wrap: overrides.wrap } : {}),
  });

  const signing = config.webhookSigning;
  const signingSecret = signing && (() => resolveSigningSecret(signing, secrets));

  return {
    config,
    logger,
    metrics,
    fleet,
    routing,
    notifyDeps: (member) => ({
      source: measuredSource(member.client, metrics),
      destinations: [],
      destinationsFor: routing.destinationsFor,
      appliance: { name: member.name, source: member.source },
      sessionUrlTemplate: member.sessionUrlTemplate,
      history,
    }),
    history,
    signingSecret,
    // The same table, its own record lifetime: a signature is remembered only as long as the window accepts it.
    replayStore: recordStore(REPLAY_MEMORY_SECONDS),
  };
}

/** Registers every secret written in the configuration for redaction (URLs with their paths), before anything can echo it. */
/** Policy memory: DynamoDB when HISTORY_TABLE is set, else this container's memory. */
function historyRecorder(config: Config, overrides: RuntimeOverrides, logger: Logger): HistoryRecorder {
  const store =
    overrides.historyStore ??
    (config.historyTable ? createDynamoHistoryStore({ tableName: config.historyTable }) : createMemoryHistoryStore());
  store.warm?.();
  return createHistoryRecorder(store, {
    factor: config.durationAnomalyFactor,
    minRuns: overrides.baselineMinRuns ?? DEFAULT_BASELINE_MIN_RUNS,
    logger,
  });
}

/** Slack app mode (SLACK_BOT_TOKEN and SLACK_CHANNEL): the Web API, one thread per run of failures. */
function slackAppDestination(
  config: Config,
  secrets: SecretReader,
  transport: WebhookTransport,
  threads: HistoryRecorder,
) {
  const app = config.slackApp;
  if (app === undefined) return undefined;
  const api = createSlackWebApi({
    ...transport,
    apiUrl: app.apiUrl,
    token: () => resolveSlackBotToken(app.token, secrets),
  });
  return createSlackAppDestination({ api, channel: app.channel, ...config.alerting.slack, threads });
}

function registerConfiguredSecrets(config: Config): void {
  const { urls, plain } = destinationSecretRefs(config);
  for (const ref of urls) if (ref?.kind === 'value') registerWebhookUrl(ref.value);
  for (const ref of plain) if (ref?.kind === 'value') registerSecret(ref.value);
}

/** Every secret a destination or the HTTP trigger is configured with: webhook URLs, and the plain-text ones. */
function destinationSecretRefs(config: Config): { urls: (SecretRef | undefined)[]; plain: (SecretRef | undefined)[] } {
  const rules = config.routes?.kind === 'list' ? config.routes.rules : [];
  return {
    urls: [config.slack, config.teams, config.generic, ...rules.flatMap((r) => [r.slack, r.teams, r.generic])],
    plain: [
      config.pagerduty?.routingKey,
      config.webhookSigning,
      config.slackApp?.token,
      ...rules.map((r) => r.pagerduty),
    ],
  };
}

/**
 * Starts fetching every configured secret at once, so the first notification waits for one Secrets Manager round trip
 * rather than one before the token and another before each post. A failure is dropped here: the reader forgets it,
 * and the call that needs the value fetches again and reports it.
 */
function prefetchSecrets(config: Config, secrets: SecretReader): void {
  const { urls, plain } = destinationSecretRefs(config);
  const refs = [
    ...urls,
    ...plain,
    config.appliances.kind === 'secret' ? config.appliances : undefined,
    config.routes?.kind === 'secret' ? config.routes : undefined,
  ];
  const arns = refs.flatMap((ref) => (ref?.kind === 'secret' ? [ref.arn] : []));
  if (config.appliances.kind === 'list') {
    for (const { credentials } of config.appliances.appliances) {
      if (credentials.kind === 'secret') arns.push(credentials.arn);
    }
  }
  for (const arn of new Set(arns)) secrets.getSecretString(arn).catch(() => undefined);
}
