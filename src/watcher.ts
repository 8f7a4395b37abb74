import type { Context } from 'aws-lambda';

type WatcherHandler = ReturnType<typeof import('./watcher/runtime.ts')['createWatcherHandler']>;

let loading: Promise<WatcherHandler> | undefined;
const load = (): Promise<WatcherHandler> => {
  // Loaded on first use, not at import, so a cold import parses almost nothing; a failed load is tried again next time.
  loading ??= import('./watcher/runtime.ts').then(
    ({ createWatcherHandler, createWatcherRuntime }) => createWatcherHandler(() => createWatcherRuntime()),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
};
// In Lambda the code loads during the init phase, overlapping the wait for the first scheduled event.
if (process.env.AWS_LAMBDA_FUNCTION_NAME) load().catch(() => undefined);

/** The scheduled watcher's Lambda entry point (serverless.yml function `watcher`). */
export async function handler(event: unknown, context: Context): ReturnType<WatcherHandler> {
  return (await load())(event, context);
}
