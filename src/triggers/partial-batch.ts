import type { SQSBatchItemFailure, SQSBatchResponse, SQSRecord } from 'aws-lambda';

/**
 * Processes each record in turn and lists exactly those whose processing threw in `batchItemFailures`, so SQS
 * redelivers only them (ReportBatchItemFailures). Ours rather than Powertools batch: this loop is all the notifier
 * uses of it, and the library is several times its size in the bundle.
 */
export async function partialBatch(
  records: readonly SQSRecord[],
  process: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of records) {
    try {
      await process(record);
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
