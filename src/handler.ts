import type { Runtime } from './runtime.ts';
import { createHandler } from './triggers/router.ts';

async function buildRuntime(): Promise<Runtime> {
  // Loaded when first needed, not at import, so a cold import parses almost nothing.
  const [{ createRuntime }, { loadConfig }] = await Promise.all([
    import('./runtime.ts'),
    import('./config/notifier.ts'),
  ]);
  return createRuntime(loadConfig());
}

// In Lambda the build (and with it every secret fetch) starts during the init phase, so those round trips overlap the
// loading of the rest of the code; a failed early build is handed over once, and the next invocation builds again.
let early = process.env.AWS_LAMBDA_FUNCTION_NAME ? buildRuntime() : undefined;
early?.catch(() => undefined);

/** The Lambda entry point for every trigger: direct invoke, EventBridge, SNS, SQS and the signed HTTP webhook. */
export const handler = createHandler(() => {
  const started = early;
  early = undefined;
  return started ?? buildRuntime();
});
