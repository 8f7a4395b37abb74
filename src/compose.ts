import * as z from 'zod/mini';
import { type Credentials, createApplianceClient } from './adapters/appliance-api.ts';
import { createDynamoDeliveryStore, createMemoryDeliveryStore } from './adapters/delivery-store.ts';
import { createGenericDestination } from './adapters/generic-delivery.ts';
import { createAgents, type HttpAgents } from './adapters/http-client.ts';
import { type DeliveryStore, withIdempotency } from './adapters/idempotent-destination.ts';
import { createPagerDutyDestination } from './adapters/pagerduty-delivery.ts';
import { createSecretReader, type SecretReader } from './adapters/secrets.ts';
import { createSlackDestination } from './adapters/slack-delivery.ts';
import { createTeamsDestination } from './adapters/teams-delivery.ts';
import type { WebhookTransport } from './adapters/webhook-delivery.ts';
import { type Config, type CredentialsRef, loggerEnv, type SecretRef } from './config.ts';
import { isStrongSigningSecret, SIGNING_SECRET_RULE } from './core/signature.ts';
import { type DestinationKind, destinationUrlProblem } from './destinations/webhook-url.ts';
import { SecretError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import type { NotifyDeps } from './notify.ts';
import { hostOf, registerSecret, registerWebhookUrl } from './redact.ts';

/** Everything an invocation needs, built once per container and reused while it is warm. */
export interface Runtime extends NotifyDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** The HTTP trigger's signing secret (cached per container when it comes from Secrets Manager); undefined if not set up. */
  readonly signingSecret: (() => Promise<string>) | undefined;
  /** Where the HTTP trigger remembers accepted signatures: the delivery record store. */
  readonly replayStore: DeliveryStore;
}

/**
 * The JSON secret behind BACKUP_API_SECRET_ARN: a bearer token, or a username and password.
 * @example { "username": "notifier", "password": "…" } or { "token": "eyJ…" }
 */
const ApplianceSecretSchema = z.union([
  z.object({ token: z.string().check(z.minLength(1)) }),
  z.object({ username: z.string().check(z.minLength(1)), password: z.string().check(z.minLength(1)) }),
]);

const WebhookUrlSchema = z.url({ protocol: /^https?$/ });

/** Builds the runtime from a validated config; `overrides` lets tests and local runs inject transports. */
export function createRuntime(
  config: Config,
  overrides: { logger?: Logger; agents?: HttpAgents; secrets?: SecretReader; deliveryStore?: DeliveryStore } = {},
): Runtime {
  const logger = overrides.logger ?? createLogger(loggerEnv());
  const secrets = overrides.secrets ?? createSecretReader();
  for (const ref of [config.slack, config.teams, config.generic])
    if (ref?.kind === 'value') registerWebhookUrl(ref.value);
  for (const ref of [config.pagerduty?.routingKey, config.webhookSigning]) {
    if (ref?.kind === 'value') registerSecret(ref.value);
  }
  registerCredentials(config.api.credentials);

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
  const recordStore = () =>
    config.idempotencyTable
      ? createDynamoDeliveryStore(config.idempotencyTable, { graceMs: config.deadlineMarginMs })
      : createMemoryDeliveryStore({ graceMs: config.deadlineMarginMs });
  const deliveryStore = overrides.deliveryStore ?? recordStore();
  const idempotent = destinations.map((destination) => withIdempotency(destination, deliveryStore, logger));
  // Start loading the store's modules now (first invocation), so it overlaps the appliance calls instead of the first post.
  deliveryStore.persistence().catch(() => undefined);

  const signing = config.webhookSigning;
  const signingSecret =
    signing &&
    (() =>
      resolvePlainSecret(signing, secrets, {
        variable: 'WEBHOOK_SIGNING_SECRET_ARN',
        holds: SIGNING_SECRET_RULE,
        valid: isStrongSigningSecret,
      }));

  return {
    config,
    logger,
    source,
    destinations: idempotent,
    signingSecret,
    // Its own persistence layer: a Powertools layer holds one key prefix and expiry, and deliveries configure theirs.
    replayStore: recordStore(),
    sessionUrlTemplate: config.sessionUrlTemplate,
  };
}

function pagerDutyDestination(config: Config, secrets: SecretReader, transport: WebhookTransport) {
  const pagerduty = config.pagerduty;
  if (pagerduty === undefined) return undefined;
  return createPagerDutyDestination({
    routingKey: () =>
      resolvePlainSecret(pagerduty.routingKey, secrets, {
        variable: 'PAGERDUTY_ROUTING_KEY_SECRET_ARN',
        holds: 'the routing key',
        valid: (key) => /^[A-Za-z0-9]{20,64}$/.test(key),
      }),
    eventsUrl: pagerduty.eventsUrl,
    source: hostOf(config.api.baseUrl),
    notifyOn: pagerduty.notifyOn,
    ...transport,
  });
}

function registerCredentials(ref: CredentialsRef): void {
  if (ref.kind === 'token') registerSecret(ref.token);
  if (ref.kind === 'password') registerSecret(ref.password);
}

async function resolveCredentials(ref: CredentialsRef, secrets: SecretReader): Promise<Credentials> {
  if (ref.kind === 'token') return { kind: 'token', token: ref.token };
  if (ref.kind === 'password') return { kind: 'password', username: ref.username, password: ref.password };
  const raw = await secrets.getSecretString(ref.arn);
  registerSecret(raw);
  let parsed: z.infer<typeof ApplianceSecretSchema>;
  try {
    parsed = ApplianceSecretSchema.parse(JSON.parse(raw));
  } catch (error) {
    // The cause is dropped on purpose: a JSON or zod error could quote the secret's text.
    throw new SecretError(
      `secret ${ref.arn} (BACKUP_API_SECRET_ARN) must be JSON with "token", or "username" and "password" (${error instanceof SyntaxError ? 'not JSON' : 'wrong fields'})`,
    );
  }
  if ('token' in parsed) {
    registerSecret(parsed.token);
    return { kind: 'token', token: parsed.token };
  }
  registerSecret(parsed.password);
  return { kind: 'password', username: parsed.username, password: parsed.password };
}

/**
 * A secret held as plain text: the configured value, or the secret's text, trimmed, registered for redaction and
 * checked by `valid`; the error names the ARN and the variable, never the value.
 */
async function resolvePlainSecret(
  ref: SecretRef,
  secrets: SecretReader,
  check: { readonly variable: string; readonly holds: string; readonly valid: (value: string) => boolean },
): Promise<string> {
  if (ref.kind === 'value') return ref.value;
  const value = (await secrets.getSecretString(ref.arn)).trim();
  registerSecret(value);
  if (!check.valid(value)) {
    throw new SecretError(`secret ${ref.arn} (${check.variable}) must hold ${check.holds} as plain text`);
  }
  return value;
}

/** The webhook URL of a destination: the configured value, or the secret's text (validated, registered for redaction). */
export async function resolveWebhookUrl(
  ref: SecretRef | undefined,
  variable: string,
  secrets: SecretReader,
  hostCheck = true,
): Promise<string> {
  if (ref === undefined) throw new SecretError(`${variable} is not configured`);
  const kind = variable.replace('_WEBHOOK', '').toLowerCase() as DestinationKind;
  const url = await resolvePlainSecret(ref, secrets, {
    variable: `${variable}_SECRET_ARN`,
    holds: `a webhook URL that meets the rules for ${variable}_URL (https, the service's own host)`,
    valid: (url) => WebhookUrlSchema.safeParse(url).success && !destinationUrlProblem(kind, url, { hostCheck }),
  });
  registerWebhookUrl(url);
  return url;
}
