import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import type { Credentials } from './appliance/auth.ts';
import { AWS_CLIENT_OPTIONS } from './aws-clients.ts';
import type { CredentialsRef, SecretRef } from './config/notifier.ts';
import { type DestinationKind, destinationUrlProblem } from './destinations/webhook-url.ts';
import { SecretError } from './errors.ts';
import { registerSecret, registerWebhookUrl } from './redact.ts';
import { isStrongSigningSecret, SIGNING_SECRET_RULE } from './triggers/signature.ts';

/** Reads secret strings from AWS Secrets Manager, once per container. */
export interface SecretReader {
  getSecretString(arn: string): Promise<string>;
}

/** What the reader needs from the SDK: a client and the command to send (both loaded lazily to keep cold starts short). */
export type SecretsManagerFactory = () => Promise<{
  client: SecretsManagerClient;
  read(arn: string): Promise<string | undefined>;
}>;

const defaultFactory: SecretsManagerFactory = async () => {
  // Loaded only when a secret ARN is configured: local runs and token-only configs never pay for the SDK.
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(AWS_CLIENT_OPTIONS);
  return {
    client,
    read: async (arn) => (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString,
  };
};

/**
 * Caches each secret for `ttlMs` per container; a failed fetch is evicted so the next invocation tries again.
 * Errors name the secret's ARN (not secret) and never its value.
 */
export function createSecretReader(
  options: { ttlMs?: number; factory?: SecretsManagerFactory; now?: () => number } = {},
): SecretReader {
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const factory = options.factory ?? defaultFactory;
  let sdk: ReturnType<SecretsManagerFactory> | undefined;
  const cache = new Map<string, { value: Promise<string>; expires: number }>();

  const fetchSecret = async (arn: string): Promise<string> => {
    sdk ??= factory();
    let value: string | undefined;
    try {
      value = await (await sdk).read(arn);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const retryable = !['ResourceNotFoundException', 'AccessDeniedException', 'DecryptionFailure'].includes(name);
      throw new SecretError(`could not read secret ${arn}: ${name}`, { cause: error, retryable });
    }
    if (value === undefined || value === '') throw new SecretError(`secret ${arn} has no SecretString`);
    return value;
  };

  return {
    getSecretString(arn) {
      const hit = cache.get(arn);
      if (hit && hit.expires > now()) return hit.value;
      const value = fetchSecret(arn);
      cache.set(arn, { value, expires: now() + ttlMs });
      value.catch(() => cache.delete(arn));
      return value;
    },
  };
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

/** Registers the configured appliance credentials for redaction before anything can echo them. */
export function registerCredentials(ref: CredentialsRef): void {
  if (ref.kind === 'token') registerSecret(ref.token);
  if (ref.kind === 'password') registerSecret(ref.password);
}

/** The appliance credentials: configured values, or the JSON secret behind BACKUP_API_SECRET_ARN. */
export async function resolveCredentials(ref: CredentialsRef, secrets: SecretReader): Promise<Credentials> {
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

/** The PagerDuty routing key: the configured value, or the secret's text. */
export function resolveRoutingKey(ref: SecretRef, secrets: SecretReader): Promise<string> {
  return resolvePlainSecret(ref, secrets, {
    variable: 'PAGERDUTY_ROUTING_KEY_SECRET_ARN',
    holds: 'the routing key',
    valid: (key) => /^[A-Za-z0-9]{20,64}$/.test(key),
  });
}

/** The HTTP trigger's signing secret: the configured value, or the secret's text. */
export function resolveSigningSecret(ref: SecretRef, secrets: SecretReader): Promise<string> {
  return resolvePlainSecret(ref, secrets, {
    variable: 'WEBHOOK_SIGNING_SECRET_ARN',
    holds: SIGNING_SECRET_RULE,
    valid: isStrongSigningSecret,
  });
}
