import type { Context } from 'aws-lambda';
import { loadConfig, notifierEnv } from '../config/notifier.ts';
import { createLogger } from '../logger.ts';
import { createRuntime } from '../runtime.ts';
import { createHandler } from '../triggers/router.ts';
import { startApplianceEmulator } from './appliance-emulator.ts';
import type { VendorProduct } from './emulators/samples.ts';
import { startVendorEmulator } from './emulators/vendor.ts';
import { type RecordedPost, startWebhookSink, type WebhookSink } from './webhook-sink.ts';

// The embedded default: a local appliance emulator and a local webhook sink stand in for whatever the env leaves unset.
const LOCAL_USER = { username: 'local-notifier', password: 'local-only-password' };
/** The HTTP trigger's signing secret in local runs that set neither WEBHOOK_SIGNING_SECRET nor its _ARN. */
export const LOCAL_SIGNING_SECRET = 'local-signing-secret-0123456789';

/** True when the environment names a real Slack or Teams webhook, so local runs post there instead of the sink. */
export function hasRealDestinations(real: Readonly<Record<string, string>>): boolean {
  return ['SLACK_WEBHOOK_URL', 'SLACK_WEBHOOK_SECRET_ARN', 'TEAMS_WEBHOOK_URL', 'TEAMS_WEBHOOK_SECRET_ARN'].some(
    (key) => real[key] !== undefined,
  );
}

/** A handler wired for a local run, plus the local stand-ins it started (close them when done). */
export interface LocalRun {
  readonly invoke: (event: unknown) => Promise<unknown>;
  readonly emulator: { readonly url: string } | undefined;
  readonly sink: WebhookSink | undefined;
  /** Which parts are real (from the environment) and which are embedded. */
  readonly mode: { readonly appliance: 'real' | 'emulator'; readonly destinations: 'real' | 'sink' };
  /** The HTTP trigger's signing secret when it is a plain value (embedded or WEBHOOK_SIGNING_SECRET), to sign samples. */
  readonly signingSecret: string | undefined;
  close(): Promise<void>;
}

/** Starts a local run: real services where the environment configures them, embedded stand-ins elsewhere. */
export async function startLocalRun(options: {
  /** The emulated appliance's product (default Azure); ignored when BACKUP_API_URL names a real appliance. */
  product?: 'azure' | VendorProduct;
  onPost?: (post: RecordedPost) => void;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  timeoutMs?: number;
}): Promise<LocalRun> {
  const real = notifierEnv();
  const realAppliance = real.BACKUP_API_URL !== undefined;
  const realDestinations = hasRealDestinations(real);

  const product = options.product ?? 'azure';
  const emulator = realAppliance
    ? undefined
    : product === 'azure'
      ? await startApplianceEmulator({ users: [LOCAL_USER] })
      : await startVendorEmulator({ product, users: [LOCAL_USER] });
  const sink = realDestinations ? undefined : await startWebhookSink(options.onPost ? { onPost: options.onPost } : {});
  const env: Record<string, string> = {
    ...(emulator
      ? {
          BACKUP_API_URL: emulator.url,
          BACKUP_API_USERNAME: LOCAL_USER.username,
          BACKUP_API_PASSWORD: LOCAL_USER.password,
          ...(product === 'azure' ? {} : { BACKUP_PRODUCT: product }),
        }
      : {}),
    ...(sink ? { SLACK_WEBHOOK_URL: sink.urlFor('slack'), TEAMS_WEBHOOK_URL: sink.urlFor('teams') } : {}),
    ...(real.WEBHOOK_SIGNING_SECRET || real.WEBHOOK_SIGNING_SECRET_ARN
      ? {}
      : { WEBHOOK_SIGNING_SECRET: LOCAL_SIGNING_SECRET }),
    ...real,
  };
  const runtime = createRuntime(loadConfig(env), { logger: createLogger({ logLevel: options.logLevel ?? 'WARN' }) });
  const handler = createHandler(() => runtime);
  const timeoutMs = options.timeoutMs ?? 30_000;

  let count = 0;
  return {
    invoke: (event) => {
      const end = Date.now() + timeoutMs;
      count++;
      const context = {
        awsRequestId: `local-${count}`,
        functionName: 'job-session-notifier-local',
        getRemainingTimeInMillis: () => end - Date.now(),
      } as Context;
      return handler(event, context);
    },
    emulator,
    sink,
    mode: { appliance: realAppliance ? 'real' : 'emulator', destinations: realDestinations ? 'real' : 'sink' },
    signingSecret: env.WEBHOOK_SIGNING_SECRET,
    close: async () => {
      await Promise.all([emulator?.close(), sink?.close()]);
    },
  };
}
