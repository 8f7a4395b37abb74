// An in-process stand-in for the SQS watch queue and its event source mapping (local fleet runs, tests, benchmark):
// each message becomes a one-record SQS event handed to the real worker handler, at most `concurrency` at a time,
// redelivered when the worker reports it failed, and parked in a dead-letter list after `maxReceiveCount` tries.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WatchQueue, WatchTask } from '../watcher/queue.ts';

/** What the local queue did with the messages it was given. */
export interface LocalQueueStats {
  /** Worker invocations (one message each, redeliveries included). */
  readonly invocations: number;
  /** Messages that failed `maxReceiveCount` times. */
  readonly deadLetters: readonly WatchTask[];
}

export interface LocalWatchQueue extends WatchQueue {
  /** Resolves once every message sent so far is handled or dead-lettered. */
  drain(): Promise<LocalQueueStats>;
}

export interface LocalQueueOptions {
  /** The worker function's handler (the watcher's entry), invoked with one-record SQS events. */
  readonly worker: (event: SQSEvent, context: Context) => Promise<unknown>;
  /** Like the event source mapping's maximumConcurrency. */
  readonly concurrency: number;
  /** Each invocation's time budget, like the function's timeout. */
  readonly budgetMs: number;
  readonly maxReceiveCount?: number;
  /** Called around each invocation (e.g. to sample memory per worker). */
  readonly onInvoke?: (task: WatchTask, phase: 'start' | 'end') => void;
}

export function createLocalWatchQueue(options: LocalQueueOptions): LocalWatchQueue {
  const pending: { task: WatchTask; receives: number }[] = [];
  const deadLetters: WatchTask[] = [];
  let invocations = 0;
  let running = 0;
  const idle: (() => void)[] = [];
  let seq = 0;

  const invoke = async (task: WatchTask, receives: number): Promise<void> => {
    invocations++;
    const id = `local-msg-${++seq}`;
    const end = Date.now() + options.budgetMs;
    const context = {
      awsRequestId: `local-worker-${seq}`,
      functionName: 'job-session-watch-worker-local',
      getRemainingTimeInMillis: () => end - Date.now(),
    } as Context;
    const event = {
      Records: [
        { messageId: id, eventSource: 'aws:sqs', body: JSON.stringify(task), attributes: {}, messageAttributes: {} },
      ],
    } as unknown as SQSEvent;
    options.onInvoke?.(task, 'start');
    let failed: boolean;
    try {
      const answer = (await options.worker(event, context)) as SQSBatchResponse | undefined;
      failed = (answer?.batchItemFailures ?? []).some((f) => f.itemIdentifier === id);
    } catch {
      failed = true;
    } finally {
      options.onInvoke?.(task, 'end');
    }
    if (!failed) return;
    if (receives >= (options.maxReceiveCount ?? 2)) deadLetters.push(task);
    else pending.push({ task, receives: receives + 1 });
  };

  const pump = (): void => {
    while (running < options.concurrency && pending.length > 0) {
      const next = pending.shift();
      if (next === undefined) break;
      running++;
      void invoke(next.task, next.receives).finally(() => {
        running--;
        pump();
      });
    }
    if (running === 0 && pending.length === 0) {
      for (const resolve of idle.splice(0)) resolve();
    }
  };

  return {
    async send(tasks) {
      pending.push(...tasks.map((task) => ({ task, receives: 1 })));
      pump();
    },
    async drain() {
      if (running > 0 || pending.length > 0) await new Promise<void>((resolve) => idle.push(resolve));
      return { invocations, deadLetters: [...deadLetters] };
    },
  };
}
