import { afterEach } from 'vitest';
import { loadConfig } from '../../src/config/notifier.ts';
import type { SampleSpec, VendorProduct } from '../../src/dev/emulators/samples.ts';
import {
  startVendorEmulator,
  type VendorEmulator,
  type VendorEmulatorOptions,
} from '../../src/dev/emulators/vendor.ts';
import { startWebhookSink, type WebhookSink } from '../../src/dev/webhook-sink.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime } from '../../src/runtime.ts';
import { createHandler } from '../../src/triggers/router.ts';
import { lambdaContext } from './lambda-context.ts';

export const PRODUCT_USER = { username: 'notifier', password: 'product-Passw0rd-1618' };

/** The vendor emulator of one product, a webhook sink, and the real handler configured for that product. */
export interface ProductHarness {
  readonly emulator: VendorEmulator;
  readonly sink: WebhookSink;
  readonly output: string[];
  invoke(event: unknown, budgetMs?: number): Promise<unknown>;
  /** Slack and Teams bodies as one string, for text assertions. */
  posted(): string;
}

/** Starts one harness per call; all are closed after each test. */
export function productHarnessPerTest(): (
  product: VendorProduct,
  env?: Record<string, string | undefined>,
  emulator?: Omit<VendorEmulatorOptions, 'product'> & { samples?: Iterable<SampleSpec> },
) => Promise<ProductHarness> {
  const started: { emulator: VendorEmulator; sink: WebhookSink; restore: () => void }[] = [];
  afterEach(async () => {
    for (const h of started.splice(0).reverse()) {
      h.restore();
      await Promise.all([h.emulator.close(), h.sink.close()]);
    }
  });
  return async (product, env = {}, emulatorOptions = {}) => {
    const emulator = await startVendorEmulator({ product, users: [PRODUCT_USER], ...emulatorOptions });
    const sink = await startWebhookSink();
    const merged: Record<string, string | undefined> = {
      BACKUP_PRODUCT: product,
      BACKUP_API_URL: emulator.url,
      BACKUP_API_USERNAME: PRODUCT_USER.username,
      BACKUP_API_PASSWORD: PRODUCT_USER.password,
      SLACK_WEBHOOK_URL: sink.urlFor('slack'),
      TEAMS_WEBHOOK_URL: sink.urlFor('teams'),
      GENERIC_WEBHOOK_URL: sink.urlFor('generic'),
      PAGERDUTY_EVENTS_URL: sink.urlFor('pagerduty'),
      NOTIFIER_HTTP_TIMEOUT_MS: '2000',
      ...env,
    };
    const defined = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
    const output: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    started.push({ emulator, sink, restore: () => (process.stdout.write = original) });
    const handler = createHandler(() =>
      createRuntime(loadConfig(defined), { logger: createLogger({ logLevel: 'DEBUG' }) }),
    );
    let count = 0;
    return {
      emulator,
      sink,
      output,
      invoke: (event, budgetMs = 15_000) => handler(event, lambdaContext(budgetMs, `req-${++count}`)),
      // As a reader sees it: Slack's invisible word joiners and Teams' markdown backslashes removed.
      posted: () =>
        JSON.stringify([...sink.postsTo('slack'), ...sink.postsTo('teams')].map((p) => p.json))
          .replaceAll('\u2060', '')
          .replace(/\\\\(?=[_*~`[\]()#>+\-.!{}])/g, ''),
    };
  };
}
