import { createHandler } from './triggers/router.ts';

/** The Lambda entry point for every trigger: direct invoke, EventBridge, SNS, SQS and the signed HTTP webhook. */
export const handler = createHandler(async () => {
  // Loaded on the first invocation, not at import, so a cold import parses almost nothing.
  const [{ createRuntime }, { loadConfig }] = await Promise.all([
    import('./runtime.ts'),
    import('./config/notifier.ts'),
  ]);
  return createRuntime(loadConfig());
});
