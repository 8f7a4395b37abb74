import type { BaselineOptions } from '../core/history/baseline.ts';
import { EMPTY_HISTORY, type HistoryKey, type Memory } from '../core/history/model.ts';
import { type FinishedRun, memoryOf, recordRun, withThread } from '../core/history/record.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import type { HistoryStore } from './store.ts';

/** Concurrent writers of one policy are rare (two sessions ending together); a few rereads settle them. */
const MAX_WRITE_ATTEMPTS = 3;

/** What the notifier asks of the policy memory: record a run and get what to say, keep a Slack thread. */
export interface HistoryRecorder {
  /** Records the run and returns its memory; undefined (with a warning) when the store cannot be read. */
  record(key: HistoryKey, run: FinishedRun, deadline: Deadline): Promise<Memory | undefined>;
  /** Keeps the Slack thread of the problem runs that began at `since` (the first thread kept wins). */
  saveThread(key: HistoryKey, since: string, ts: string, deadline: Deadline): Promise<void>;
}

/** Reads, updates and conditionally writes a policy's memory; a store failure costs the memory lines, never the message. */
export function createHistoryRecorder(
  store: HistoryStore,
  options: BaselineOptions & { logger?: Log },
): HistoryRecorder {
  const warn = (message: string, key: HistoryKey, error: unknown) =>
    options.logger?.warn(message, {
      policy: key.policy,
      appliance: key.appliance,
      reason: error instanceof Error ? error.message : String(error),
    });
  return {
    async record(key, run, deadline) {
      try {
        for (let attempt = 1; ; attempt++) {
          const stored = await store.read(key, deadline);
          const recorded = recordRun(stored.history ?? EMPTY_HISTORY, run, options);
          const memory = memoryOf(key, recorded.history, recorded.run);
          if (!recorded.changed) return memory;
          if (await store.write(key, recorded.history, stored.version, deadline)) return memory;
          if (attempt >= MAX_WRITE_ATTEMPTS) {
            warn('policy history changed under every attempt; this run is not remembered', key, 'conflict');
            return memory;
          }
        }
      } catch (error) {
        warn('policy history unavailable; the message goes without memory lines', key, error);
        return undefined;
      }
    },
    async saveThread(key, since, ts, deadline) {
      try {
        for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
          const stored = await store.read(key, deadline);
          const next = stored.history && withThread(stored.history, since, ts);
          if (!next || (await store.write(key, next, stored.version, deadline))) return;
        }
      } catch (error) {
        warn('could not keep the Slack thread; the next failure starts a new one', key, error);
      }
    },
  };
}
