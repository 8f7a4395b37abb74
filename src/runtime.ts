import { type ApplianceClient, createApplianceClient } from './appliance/client.ts';
import { loggerEnv } from './config/env.ts';
import type { Config } from './config/notifier.ts';
import { metricsEnv } from './config/observability.ts';
import { isClearTextAppliance } from './config/urls.ts';
import {
  createDynamoDeliveryStore,
  createMemoryDeliveryStore,
  type DeliveryStore,
} from './destinations/delivery-store.ts';
import { createGenericDestination } from './destinations/generic.ts';
import { withIdempotency } from './destinations/idempotent.ts';
import { createPagerDutyDestination } from './destinations/pagerduty.ts';
import type { WebhookTransport } from './destinations/post-webhook.ts';
import { createSlackDestination } from './destinations/slack.ts';
import { createTeamsDestination } from './destinations/teams.ts';
import { createAgents, type HttpAgents } from './http/client.ts';
import { createLogger, type Logger } from './logger.ts';
import { measuredDestination, measuredSource } from './measured.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { NotifyDeps } from './notify.ts';
import { hostOf, registerSecret, registerWebhookUrl } from './redact.ts';
import {
  createSecretReader,
  registerCredentials,
  resolveCredentials,
  resolveRoutingKey,
  resolveSigningSecret,
  resolveWebhookUrl,
  type SecretReader,
} from './secrets.ts';
import { REPLAY_MEMORY_SECONDS } from './triggers/replay-guard.ts';

/** Everything an invocation needs, built once per container and reused while it is warm. */
export interface Runtime extends NotifyDeps {
  /** The appliance client behind `source`, with its session list (the watcher's handle). */
  readonly appliance: ApplianceClient;
  readonly config: Config;
  readonly logger: Logger;
  /** EMF metrics on stdout (POWERTOOLS_METRICS_NAMESPACE); local runs pass noMetrics. */
  readonly metrics: Metrics;
  /** The HTTP trigger's signing secret (cached per container when it comes from Secrets Manager); undefined if not set up. */
  readonly signingSecret: (() => Promise<string>) | undefined;
  /** Where the HTTP trigger remembers accepted signatures: the delivery record store. */
  readonly replayStore: DeliveryStore;
}

/** Builds the runtime from a validated config; `overrides` lets tests and local runs inject transports. */
export function createRuntime(
  config: Config,
  overrides: {
    logger?: Logger;
    metrics?: Metrics;
    agents?: HttpAgents;
    secrets?: SecretReader;
    deliveryStore?: DeliveryStore;
  } = {},
): Runtime {
  const logger = overrides.logger ?? createLogger(loggerEnv());
  const metrics = overrides.metrics ?? createMetrics(metricsEnv());
  const secrets = overrides.secrets ?? createSecretReader();
  for (const ref of [config.slack, config.teams, config.generic])
    if (ref?.kind === 'value') registerWebhookUrl(ref.value);
  for (const ref of [config.pagerduty?.routingKey, config.webhookSigning]) {
    if (ref?.kind === 'value') registerSecret(ref.value);
  }
  registerCredentials(config.api.credentials);
  prefetchSecrets(config, secrets);

  if (config.api.allowHttp && isClearTextAppliance(config.api.baseUrl)) {
    logger.warn('BACKUP_API_ALLOW_HTTP is true: the password grant and bearer token cross the network in clear');
  }
  if (config.api.insecureTls) {
    logger.warn(
      'BACKUP_API_INSECURE_TLS is true: the appliance certificate is NOT verified; prefer BACKUP_API_CA_CERT',
    );
  }
  const agents =
    overrides.agents ?? createAgents({ caCertPem: config.api.caCertPem, insecureTls: config.api.insecureTls });

  const source = createApplianceClient({
    baseUrl: config.api.baseUrl,
    apiVersion: config.api.version,
    credentials: () => resolveCredentials(config.api.credentials, secrets),
    agents,
    perAttemptTimeoutMs: config.httpTimeoutMs,
    logger,
  });

  // Webhooks are public HTTPS endpoints: they use the system trust store, never the appliance's custom CA or insecure flag.
  const transport = { agents: overrides.agents ?? createAgents(), perAttemptTimeoutMs: config.httpTimeoutMs, logger };
  const destinations = [
    config.slack &&
      createSlackDestination({
        ...transport,
        webhookUrl: () => resolveWebhookUrl(config.slack, 'SLACK_WEBHOOK', secrets, config.webhookHostCheck),
        ...config.alerting.slack,
      }),
    config.teams &&
      createTeamsDestination({
        ...transport,
        webhookUrl: () => resolveWebhookUrl(config.teams, 'TEAMS_WEBHOOK', secrets, config.webhookHostCheck),
        ...config.alerting.teams,
      }),
    pagerDutyDestination(config, secrets, transport),
    config.generic &&
      createGenericDestination({
        webhookUrl: () => resolveWebhookUrl(config.generic, 'GENERIC_WEBHOOK', secrets, config.webhookHostCheck),
        ...transport,
        appliance: hostOf(config.api.baseUrl),
        notifyOn: config.alerting.generic.notifyOn,
      }),
  ].filter((d) => d !== undefined);

  // Exactly once per (session, destination, outcome): DynamoDB when IDEMPOTENCY_TABLE is set, else this container's memory.
  const recordStore = (expiresAfterSeconds?: number) => {
    const options = { graceMs: config.deadlineMarginMs, ...(expiresAfterSeconds ? { expiresAfterSeconds } : {}) };
    return config.idempotencyTable
      ? createDynamoDeliveryStore(config.idempotencyTable, options)
      : createMemoryDeliveryStore(options);
  };
  const deliveryStore = overrides.deliveryStore ?? recordStore();
  // Measured inside the idempotency layer: a duplicate it answers from its records is not a second delivery.
  const idempotent = destinations.map((destination) =>
    withIdempotency(measuredDestination(destination, metrics), deliveryStore, logger),
  );
  // Start loading the store's SDK now (first invocation), so it overlaps the appliance calls instead of the first post.
  deliveryStore.prepare();

  const signing = config.webhookSigning;
  const signingSecret = signing && (() => resolveSigningSecret(signing, secrets));

  return {
    config,
    logger,
    metrics,
    source: measuredSource(source, metrics),
    appliance: source,
    destinations: idempotent,
    signingSecret,
    // The same table, its own record lifetime: a signature is remembered only as long as the window accepts it.
    replayStore: recordStore(REPLAY_MEMORY_SECONDS),
    sessionUrlTemplate: config.sessionUrlTemplate,
  };
}

function pagerDutyDestination(config: Config, secrets: SecretReader, transport: WebhookTransport) {
  const pagerduty = config.pagerduty;
  if (pagerduty === undefined) return undefined;
  return createPagerDutyDestination({
    routingKey: () => resolveRoutingKey(pagerduty.routingKey, secrets),
    eventsUrl: pagerduty.eventsUrl,
    source: hostOf(config.api.baseUrl),
    notifyOn: pagerduty.notifyOn,
    ...transport,
  });
}

/**
 * Starts fetching every configured secret at once, so the first notification waits for one Secrets Manager round trip
 * rather than one before the token and another before each post. A failure is dropped here: the reader forgets it,
 * and the call that needs the value fetches again and reports it.
 */
function prefetchSecrets(config: Config, secrets: SecretReader): void {
  const refs = [config.slack, config.teams, config.generic, config.pagerduty?.routingKey, config.webhookSigning];
  const arns = refs.flatMap((ref) => (ref?.kind === 'secret' ? [ref.arn] : []));
  if (config.api.credentials.kind === 'secret') arns.push(config.api.credentials.arn);
  for (const arn of arns) secrets.getSecretString(arn).catch(() => undefined);
}
