import type { Context } from 'aws-lambda';
import { loadConfig } from '../config/notifier.ts';
import { createLogger } from '../logger.ts';
import { noMetrics } from '../metrics.ts';
import { createRuntime } from '../runtime.ts';
import { createHandler } from '../triggers/router.ts';
import { startApplianceEmulator } from './appliance-emulator.ts';
import type { VendorProduct } from './emulators/samples.ts';
import { startVendorEmulator } from './emulators/vendor.ts';
import { type LocalPlan, localEnv, needsSink, planLocalRun } from './local-env.ts';
import { type RecordedPost, startWebhookSink, type WebhookSink } from './webhook-sink.ts';

// The embedded default: a local appliance emulator and a local webhook sink stand in for whatever the env leaves unset.
const LOCAL_USER = { username: 'local-notifier', password: 'local-only-password' };
/** The HTTP trigger's signing secret in local runs that set neither WEBHOOK_SIGNING_SECRET nor its _ARN. */
export const LOCAL_SIGNING_SECRET = 'local-signing-secret-0123456789';

/** A handler wired for a local run, plus the local stand-ins it started (close them when done). */
export interface LocalRun {
  readonly invoke: (event: unknown) => Promise<unknown>;
  readonly emulator: { readonly url: string } | undefined;
  readonly sink: WebhookSink | undefined;
  /** Which parts are real (from the environment) and which are embedded. */
  readonly plan: LocalPlan;
  /** The HTTP trigger's signing secret when it is a plain value (embedded or WEBHOOK_SIGNING_SECRET), to sign samples. */
  readonly signingSecret: string | undefined;
  close(): Promise<void>;
}

/** Local runs log to stderr, so stdout carries only what the tool prints (with --json, only JSON). */
export const toStderr = (_level: string, line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** A Lambda context for a local invocation that has `timeoutMs` to run. */
export function localContext(requestId: string, functionName: string, timeoutMs: number): Context {
  const end = Date.now() + timeoutMs;
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    getRemainingTimeInMillis: () => end - Date.now(),
  } as Context;
}

/** Starts a local run: real services where the environment configures them, embedded stand-ins elsewhere. */
export async function startLocalRun(options: {
  onPost?: (post: RecordedPost) => void;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  timeoutMs?: number;
  env?: Readonly<Record<string, string | undefined>>;
  /** The product the embedded emulator speaks; Backup for Azure by default. */
  product?: 'azure' | VendorProduct;
}): Promise<LocalRun> {
  const plan = planLocalRun(options.env ?? process.env);
  const product = options.product ?? 'azure';
  const emulator =
    plan.appliance === 'real'
      ? undefined
      : product === 'azure'
        ? await startApplianceEmulator({ users: [LOCAL_USER] })
        : await startVendorEmulator({ product, users: [LOCAL_USER] });
  const sink = needsSink(plan) ? await startWebhookSink(options.onPost ? { onPost: options.onPost } : {}) : undefined;
  const env = localEnv(plan, {
    ...(emulator ? { appliance: { url: emulator.url, ...LOCAL_USER } } : {}),
    ...(sink ? { sinkUrlFor: (name: string) => sink.urlFor(name) } : {}),
    extra: {
      ...(emulator && product !== 'azure' ? { BACKUP_PRODUCT: product } : {}),
      ...(plan.user.WEBHOOK_SIGNING_SECRET || plan.user.WEBHOOK_SIGNING_SECRET_ARN
        ? {}
        : { WEBHOOK_SIGNING_SECRET: LOCAL_SIGNING_SECRET }),
    },
  });
  const close = async () => {
    await Promise.all([emulator?.close(), sink?.close()]);
  };
  let runtime: ReturnType<typeof createRuntime>;
  try {
    runtime = createRuntime(loadConfig(env), {
      logger: createLogger({ logLevel: options.logLevel ?? 'WARN', write: toStderr }),
      metrics: noMetrics,
    });
  } catch (error) {
    await close();
    throw error;
  }
  const handler = createHandler(() => runtime);
  const timeoutMs = options.timeoutMs ?? 30_000;

  let count = 0;
  return {
    invoke: (event) => handler(event, localContext(`local-${++count}`, 'job-session-notifier-local', timeoutMs)),
    emulator,
    sink,
    plan,
    signingSecret: env.WEBHOOK_SIGNING_SECRET,
    close,
  };
}
