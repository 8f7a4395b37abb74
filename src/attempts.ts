import { AsyncLocalStorage } from 'node:async_hooks';

/** Outbound HTTP attempts of one invocation, by target ("appliance", "slack", "teams"), for the summary log line. */
export type AttemptCounts = Record<string, number>;

// Per invocation rather than per container, so overlapping invocations (tests, local runs) never mix their counts.
const current = new AsyncLocalStorage<AttemptCounts>();

/** Runs `fn` with a fresh attempt count, readable (and growing) through `counts` while and after it runs. */
export function countingAttempts<T>(counts: AttemptCounts, fn: () => Promise<T>): Promise<T> {
  return current.run(counts, fn);
}

/** Records one attempt at `target` in the current invocation's count (a no-op outside one). */
export function countAttempt(target: string): void {
  const counts = current.getStore();
  if (counts !== undefined) counts[target] = (counts[target] ?? 0) + 1;
}
