import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Runtime } from '../runtime.ts';
import { isTransient, logDropped, notifyLogged } from './session.ts';
import { sessionRequestFromSqsRecord } from './shapes.ts';

// Loaded on the first SQS batch only: the other triggers never pay for Powertools batch.
let batch: Promise<typeof import('@aws-lambda-powertools/batch')> | undefined;

/**
 * Processes each record on its own and reports exactly the transient failures in `batchItemFailures`, so only those
 * are redelivered (and reach the queue's dead-letter queue after maxReceiveCount). A record that can never succeed
 * (invalid body, permanent refusal) is logged with its message ID and deleted: redelivering it cannot help.
 * Records run one after another so each log line carries its own session ID and all share one deadline.
 */
export async function handleSqs(event: SQSEvent, runtime: Runtime, context: Context): Promise<SQSBatchResponse> {
  batch ??= import('@aws-lambda-powertools/batch');
  const { BatchProcessor, EventType, processPartialResponse } = await batch;

  const processRecord = async (record: SQSRecord): Promise<void> => {
    try {
      const request = sessionRequestFromSqsRecord(record);
      await notifyLogged(runtime, request, context, { trigger: 'sqs', messageId: record.messageId });
    } catch (error) {
      if (isTransient(error)) throw error;
      logDropped(runtime, 'sqs', record.messageId, error, context);
    }
  };
  // A fresh processor per batch: it holds the batch's state.
  return processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
}
