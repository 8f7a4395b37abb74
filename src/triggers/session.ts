import type { Context } from 'aws-lambda';
import { type AttemptCounts, countingAttempts } from '../attempts.ts';
import { deadlineFrom } from '../deadline.ts';
import { NotifierError } from '../errors.ts';
import { recordNotification } from '../metrics.ts';
import { type NotifyResult, notifySession } from '../notify.ts';
import { hostOf } from '../redact.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionRequest, TriggerKind } from './request.ts';

/** Whether another attempt could help: our errors say so; anything unexpected is assumed transient. */
export const isTransient = (error: unknown): boolean => !(error instanceof NotifierError) || error.retryable;

/** The error's code for logs and HTTP answers, without its message. */
export const codeOf = (error: unknown): string => (error instanceof NotifierError ? error.code : 'UNEXPECTED');

/**
 * Notifies about one session with the per-invocation log keys set, and logs the outcome once.
 * Shared by every trigger; `messageId` names the SNS/SQS record when there is one.
 */
export async function notifyLogged(
  runtime: Runtime,
  request: SessionRequest,
  context: Context,
  keys: { readonly trigger: TriggerKind; readonly messageId?: string },
): Promise<NotifyResult> {
  const { logger } = runtime;
  logger.appendKeys({
    sessionId: request.sessionId,
    requestId: context.awsRequestId,
    ...(request.appliance === undefined ? {} : { appliance: request.appliance }),
    ...keys,
  });
  const started = Date.now();
  const attempts: AttemptCounts = {};
  try {
    const deadline = deadlineFrom(context, runtime.config.deadlineMarginMs);
    const member = await runtime.fleet.member(request.appliance);
    logger.appendKeys({ appliance: member.name === 'default' ? hostOf(member.baseUrl) : member.name });
    const deps = runtime.notifyDeps(member);
    const result = await countingAttempts(attempts, () => notifySession(deps, request, deadline));
    recordNotification(runtime.metrics, result.outcome, Date.now() - started, undefined);
    logger.info('notification sent', {
      outcome: result.outcome,
      destinations: result.delivered,
      ...(result.skipped ? { skipped: result.skipped } : {}),
      attempts,
      durationMs: Date.now() - started,
      ...(result.problem ? { problem: result.problem.failure, detail: result.problem.detail } : {}),
    });
    return result;
  } catch (error) {
    // Not a session outcome: the notification itself failed (and may be retried).
    recordNotification(runtime.metrics, 'error', undefined, undefined);
    logger.error('notification failed', {
      attempts,
      durationMs: Date.now() - started,
      retryable: isTransient(error),
      error: error as Error,
    });
    throw error;
  } finally {
    logger.removeKeys(['sessionId', 'trigger', 'requestId', 'messageId', 'appliance']);
  }
}

/**
 * Logs a record that will not be retried (its payload is invalid, or its failure is permanent) and lets it go.
 * The line carries the message ID and the reason, never the payload; a metric filter counts these lines.
 */
export function logDropped(
  runtime: Runtime,
  trigger: TriggerKind,
  messageId: string,
  error: unknown,
  context: Context,
): void {
  runtime.logger.error('record dropped', {
    trigger,
    messageId,
    requestId: context.awsRequestId,
    code: codeOf(error),
    reason: error instanceof Error ? error.message : String(error),
  });
}
