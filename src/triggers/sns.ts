import type { Context, SNSEvent } from 'aws-lambda';
import { NotifierError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { isTransient, logDropped, notifyLogged } from './session.ts';
import { sessionRequestFromSnsRecord } from './shapes.ts';

/**
 * SNS invokes asynchronously: every record is processed, then, if any failed transiently, the invocation throws so
 * Lambda's async retries (and finally the on-failure dead-letter queue) apply. A record that can never succeed
 * (invalid message, permanent refusal) is logged with its message ID and dropped: retrying it would only repeat it.
 */
export async function handleSns(event: SNSEvent, runtime: Runtime, context: Context): Promise<void> {
  const transient: unknown[] = [];
  for (const record of event.Records) {
    const messageId = record.Sns.MessageId;
    try {
      await notifyLogged(runtime, sessionRequestFromSnsRecord(record), context, { trigger: 'sns', messageId });
    } catch (error) {
      if (isTransient(error)) transient.push(error);
      else logDropped(runtime, 'sns', messageId, error, context);
    }
  }
  if (transient.length > 0) {
    throw new NotifierError(
      'SNS_RECORDS_TRANSIENT',
      `${transient.length} of ${event.Records.length} SNS record(s) failed transiently; the invocation is retried`,
      { retryable: true, cause: transient.length === 1 ? transient[0] : new AggregateError(transient) },
    );
  }
}
