import type { BaselineOptions } from '../core/history/baseline.ts';
import { EMPTY_HISTORY, type HistoryKey, type Memory } from '../core/history/model.ts';
import { type FinishedRun, memoryOf, recordRun, withThread } from '../core/history/record.ts';
import type { Log } from '../logger.ts';
import type { Deadline } from '../ports.ts';
import { type HistoryStore, historyId, type StoredHistory } from './store.ts';

/** Concurrent writers of one policy are rare (two sessions ending together); a few rereads settle them. */
const MAX_WRITE_ATTEMPTS = 3;

/** What the notifier asks of the policy memory: record a run and get what to say, keep a Slack thread. */
export interface HistoryRecorder {
  /** Starts reading a policy's memory early (e.g. while the log streams in); `record` uses the read if the key matches. */
  prefetch(key: HistoryKey, deadline: Deadline): void;
  /**
   * Records the run and returns its memory as soon as it is computed (the write goes on in the background; `flush`
   * waits for it); undefined, with a warning, when the store cannot be read.
   */
  record(key: HistoryKey, run: FinishedRun, deadline: Deadline): Promise<Memory | undefined>;
  /** Keeps the Slack thread of the problem runs that began at `since` (the first thread kept wins). */
  saveThread(key: HistoryKey, since: string, ts: string, deadline: Deadline): Promise<void>;
  /** Waits for every write in flight; never throws (a failed write is a warning: the message already went). */
  flush(): Promise<void>;
}

/** Reads, updates and conditionally writes a policy's memory; a store failure costs the memory lines, never the message. */
export function createHistoryRecorder(
  store: HistoryStore,
  options: BaselineOptions & { logger?: Log },
): HistoryRecorder {
  // Keyed by item; a read serves only the invocation (deadline) that started it, never a later one.
  const prefetched = new Map<string, { deadline: Deadline; read: Promise<StoredHistory> }>();
  const writes = new Map<string, Promise<void>>();
  const warn = (message: string, key: HistoryKey, error: unknown) =>
    options.logger?.warn(message, {
      policy: key.policy,
      appliance: key.appliance,
      reason: error instanceof Error ? error.message : String(error),
    });
  const readOnce = (key: HistoryKey, deadline: Deadline): Promise<StoredHistory> => {
    const id = historyId(key);
    const early = prefetched.get(id);
    prefetched.delete(id);
    return early?.deadline === deadline ? early.read : store.read(key, deadline);
  };

  /** Writes the recorded run, rereading and reapplying it when another writer got there first. */
  async function persist(key: HistoryKey, run: FinishedRun, first: StoredHistory, deadline: Deadline): Promise<void> {
    let stored = first;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const recorded = recordRun(stored.history ?? EMPTY_HISTORY, run, options);
      if (!recorded.changed || (await store.write(key, recorded.history, stored.version, deadline))) return;
      stored = await store.read(key, deadline);
    }
    warn('policy history changed under every attempt; this run is not remembered', key, 'conflict');
  }

  return {
    prefetch(key, deadline) {
      const id = historyId(key);
      if (prefetched.get(id)?.deadline === deadline) return;
      const read = store.read(key, deadline);
      // A prefetch nobody uses must not surface as an unhandled rejection; record() sees the same failure.
      read.catch(() => undefined);
      prefetched.set(id, { deadline, read });
    },
    async record(key, run, deadline) {
      const id = historyId(key);
      try {
        const pending = writes.get(id);
        if (pending) {
          // A read taken before this container's own write landed would be stale.
          prefetched.delete(id);
          await pending;
        }
        const stored = await readOnce(key, deadline);
        const recorded = recordRun(stored.history ?? EMPTY_HISTORY, run, options);
        if (recorded.changed) {
          const write = persist(key, run, stored, deadline).catch((error: unknown) =>
            warn('could not save the policy history; this run is not remembered', key, error),
          );
          writes.set(id, write);
          write.finally(() => writes.get(id) === write && writes.delete(id));
        }
        return memoryOf(key, recorded.history, recorded.run);
      } catch (error) {
        warn('policy history unavailable; the message goes without memory lines', key, error);
        return undefined;
      }
    },
    async saveThread(key, since, ts, deadline) {
      try {
        // The run that opened these problem runs may still be on its way to the store.
        await writes.get(historyId(key));
        for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
          const stored = await store.read(key, deadline);
          const next = stored.history && withThread(stored.history, since, ts);
          if (!next || (await store.write(key, next, stored.version, deadline))) return;
        }
      } catch (error) {
        warn('could not keep the Slack thread; the next failure starts a new one', key, error);
      }
    },
    async flush() {
      await Promise.all(writes.values());
    },
  };
}
