import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
