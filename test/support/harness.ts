import { afterEach } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import {
  type ApplianceEmulator,
  type ApplianceEmulatorOptions,
  startApplianceEmulator,
} from '../../src/dev/appliance-emulator.ts';
import { startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { createLogger } from '../../src/logger.ts';
import type { Metrics } from '../../src/metrics.ts';
import { createRuntime } from '../../src/runtime.ts';
import type { SecretReader } from '../../src/secrets.ts';
import { createHandler } from '../../src/triggers/router.ts';
import { lambdaContext } from './lambda-context.ts';

export const USERNAME = 'notifier';
export const PASSWORD = 'harness-Passw0rd-31415';
export const SIGNING_SECRET = 'harness-signing-secret-27182818';

/** Everything printed to stdout/stderr while the harness lives: the logs, where no secret may ever appear. */
export interface Harness {
  readonly emulator: ApplianceEmulator;
  readonly sink: WebhookSink;
  readonly output: string[];
  invoke(event: unknown, budgetMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

type EnvOverrides = Record<string, string | undefined>;

/**
 * Starts the appliance emulator and the webhook sink on 127.0.0.1 and builds the real handler against them.
 * `env` overrides or removes (undefined) variables of the default configuration: password auth, Slack and Teams;
 * pass a function to point variables at the sink (e.g. PAGERDUTY_EVENTS_URL).
 */
export async function startHarness(
  envOrFactory: EnvOverrides | ((sink: WebhookSink) => EnvOverrides) = {},
  emulatorOptions: ApplianceEmulatorOptions = {},
  overrides: { secrets?: SecretReader; metrics?: Metrics } = {},
): Promise<Harness> {
  const emulator = await startApplianceEmulator({
    users: [{ username: USERNAME, password: PASSWORD }],
    ...emulatorOptions,
  });
  const sink = await startWebhookSink();
  const env = typeof envOrFactory === 'function' ? envOrFactory(sink) : envOrFactory;
  const merged: Record<string, string | undefined> = {
    BACKUP_API_URL: emulator.url,
    BACKUP_API_USERNAME: USERNAME,
    BACKUP_API_PASSWORD: PASSWORD,
    SLACK_WEBHOOK_URL: sink.urlFor('slack'),
    TEAMS_WEBHOOK_URL: sink.urlFor('teams'),
    NOTIFIER_HTTP_TIMEOUT_MS: '2000',
    WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
    ...env,
  };
  const defined = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));

  const output: string[] = [];
  const capture = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream);
    // Captured, not echoed: the tests read the logs; the test report stays readable.
    stream.write = ((chunk: string | Uint8Array) => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
    return () => {
      stream.write = original;
    };
  };
  const restore = [capture(process.stdout), capture(process.stderr)];

  // The config is loaded lazily, like the Lambda does on its first invocation.
  const handler = createHandler(() =>
    createRuntime(loadConfig(defined), { logger: createLogger({ logLevel: 'DEBUG' }), ...overrides }),
  );
  let count = 0;
  let closed = false;
  return {
    emulator,
    sink,
    output,
    invoke: (event, budgetMs = 15_000) => handler(event, lambdaContext(budgetMs, `req-${++count}`)),
    close: async () => {
      // Idempotent: a test may close a harness early and the per-test cleanup closes it again.
      if (closed) return;
      closed = true;
      for (const r of restore) r();
      await Promise.all([emulator.close(), sink.close()]);
    },
  };
}

/** A `start` for a test file: each harness it starts is closed after its test, newest first. */
export function harnessPerTest(): (...args: Parameters<typeof startHarness>) => Promise<Harness> {
  const started: Harness[] = [];
  afterEach(async () => {
    for (const harness of started.splice(0).reverse()) await harness.close();
  });
  return async (...args) => {
    const harness = await startHarness(...args);
    started.push(harness);
    return harness;
  };
}
