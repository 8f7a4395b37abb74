import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretError } from './errors.ts';

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
  // Explicit timeouts: the SDK's defaults wait indefinitely, and a secret fetch must fit the invocation's budget.
  const client = new SecretsManagerClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
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
