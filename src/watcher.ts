import { createWatcherHandler, createWatcherRuntime } from './watcher/runtime.ts';

/** The scheduled watcher's Lambda entry point (serverless.yml function `watcher`). */
export const handler = createWatcherHandler(() => createWatcherRuntime());
