import type { SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CLIENT_OPTIONS } from '../aws-clients.ts';
import { NotifierError } from '../errors.ts';

/**
 * One appliance to watch, as the scheduled run puts it on the watch queue.
 * @example { "task": "watch", "appliance": "azure-prod" }
 */
export interface WatchTask {
  readonly task: 'watch';
  readonly appliance: string;
}

/** Where the scheduled run puts one task per appliance: SQS deployed, an in-process queue locally. */
export interface WatchQueue {
  send(tasks: readonly WatchTask[]): Promise<void>;
}

// SendMessageBatch takes at most ten entries.
const BATCH = 10;

/** The SQS watch queue at `queueUrl`; the SDK is loaded on first use (it ships with the Lambda runtime). */
export function createSqsWatchQueue(queueUrl: string, client?: SQSClient): WatchQueue {
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-sqs'); client: SQSClient }> | undefined;
  return {
    async send(tasks) {
      loaded ??= import('@aws-sdk/client-sqs').then((sdk) => ({
        sdk,
        client: client ?? new sdk.SQSClient(AWS_CLIENT_OPTIONS),
      }));
      const { sdk, client: sqs } = await loaded;
      const batches = Array.from({ length: Math.ceil(tasks.length / BATCH) }, (_, i) =>
        tasks.slice(i * BATCH, (i + 1) * BATCH),
      );
      const failed: string[] = [];
      await Promise.all(
        batches.map(async (batch) => {
          const entries = batch.map((task, i) => ({ Id: String(i), MessageBody: JSON.stringify(task) }));
          try {
            const out = await sqs.send(new sdk.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
            for (const f of out.Failed ?? []) failed.push(batch[Number(f.Id)]?.appliance ?? '?');
          } catch (error) {
            failed.push(...batch.map((t) => t.appliance));
            if (batches.length === 1) throw queueError(failed, error);
          }
        }),
      );
      if (failed.length > 0) throw queueError(failed);
    },
  };
}

function queueError(appliances: readonly string[], cause?: unknown): NotifierError {
  const names = appliances.slice(0, 10).join(', ');
  return new NotifierError('WATCH_QUEUE', `could not queue the watch of ${appliances.length} appliance(s): ${names}`, {
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}
