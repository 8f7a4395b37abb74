import type { Context } from 'aws-lambda';
import { createRuntime, type Runtime } from './compose.ts';
import { loadConfig } from './config.ts';
import { type SessionRequest, sessionRequestFrom, type TriggerKind } from './core/trigger.ts';
import { deadlineFrom } from './deadline.ts';
import { NotifierError } from './errors.ts';
import { type NotifyResult, notifySession } from './notify.ts';

/** Recognises the trigger from the event's shape and extracts the session request. */
export function parseEvent(event: unknown): { trigger: TriggerKind; request: SessionRequest } {
  const trigger: TriggerKind =
    typeof event === 'object' && event !== null && 'detail-type' in event ? 'eventbridge' : 'direct';
  return { trigger, request: sessionRequestFrom(event, trigger) };
}

/** Builds a Lambda handler around a runtime factory, called once per container on first use. */
export function createHandler(makeRuntime: () => Runtime) {
  let runtime: Runtime | undefined;
  return async (event: unknown, context: Context): Promise<NotifyResult> => {
    // The event is checked first: a bad one is rejected before any configuration, secret or network work.
    const { trigger, request } = parseEvent(event);
    runtime ??= makeRuntime();
    const { logger } = runtime;
    logger.appendKeys({ sessionId: request.sessionId, trigger, requestId: context.awsRequestId });
    const started = Date.now();
    try {
      const result = await notifySession(runtime, request, deadlineFrom(context, runtime.config.deadlineMarginMs));
      logger.info('notification sent', {
        outcome: result.outcome,
        destinations: result.delivered,
        ...(result.skipped ? { skipped: result.skipped } : {}),
        durationMs: Date.now() - started,
        ...(result.problem ? { problem: result.problem.failure } : {}),
      });
      return result;
    } catch (error) {
      logger.error('notification failed', {
        durationMs: Date.now() - started,
        retryable: error instanceof NotifierError ? error.retryable : true,
        error: error as Error,
      });
      throw error;
    } finally {
      logger.removeKeys(['sessionId', 'trigger', 'requestId']);
    }
  };
}

/** The Lambda entry point: direct invoke `{ sessionId }` or an EventBridge event with `detail.sessionId`. */
export const handler = createHandler(() => createRuntime(loadConfig()));
