import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, vi } from 'vitest';
import { createSecretReader } from '../../src/secrets.ts';

/**
 * A loopback server speaking Secrets Manager's GetSecretValue JSON protocol, for the real AWS SDK client.
 * `holdFor` makes each answer wait until that many requests are in flight (or a second has passed), so a test can
 * see how many the client sends at once (`mostInFlight`).
 */
export async function startSecretsManager(secrets: Record<string, string>, options: { holdFor?: number } = {}) {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  let mostInFlight = 0;
  const hold = (answer: () => void): void => {
    waiting.push(answer);
    mostInFlight = Math.max(mostInFlight, waiting.length);
    const release = () => {
      for (const next of waiting.splice(0)) next();
    };
    if (waiting.length >= (options.holdFor ?? 1)) release();
    else setTimeout(release, 1_000);
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () =>
      hold(() => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
        calls.push(`${target} ${SecretId ?? ''}`);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        const value = SecretId === undefined ? undefined : secrets[SecretId];
        if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              __type: 'ResourceNotFoundException',
              message: "Secrets Manager can't find the specified secret.",
            }),
          );
          return;
        }
        res.end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1' }));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    /** The most requests that were waiting for an answer at the same time. */
    get mostInFlight() {
      return mostInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A SecretReader whose real SDK client talks to the local server at `url` (one attempt, so failures show at once). */
export function secretReaderFor(url: string) {
  return createSecretReader({
    factory: async () => {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const client = new SecretsManagerClient({ endpoint: url, region: 'eu-west-1', maxAttempts: 1 });
      return {
        client,
        read: async (id) => (await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString,
      };
    },
  });
}

/** Fake AWS credentials and region for one test file's SDK clients, removed after each test. */
export function stubAwsEnv(): void {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'us-east-1');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}
