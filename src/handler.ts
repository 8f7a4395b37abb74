import type { APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse } from 'aws-lambda';
import type { Runtime } from './compose.ts';
import type { LegacyHttpAnswer } from './core/http-payloads.ts';
import { type SessionRequest, sessionRequestFrom, type TriggerKind } from './core/trigger.ts';
import type { NotifyResult } from './notify.ts';

/**
 * What the handler answers, per trigger: direct and EventBridge the NotifyResult, SQS the partial batch response,
 * HTTP an API Gateway v2 response, SNS nothing.
 */
export type HandlerResult =
  | NotifyResult
  | SQSBatchResponse
  | APIGatewayProxyStructuredResultV2
  | LegacyHttpAnswer
  | undefined;

/** Recognises a direct or EventBridge event and extracts the session request (the record-carrying triggers have their own). */
export function parseEvent(event: unknown): { trigger: TriggerKind; request: SessionRequest } {
  const trigger: TriggerKind =
    typeof event === 'object' && event !== null && 'detail-type' in event ? 'eventbridge' : 'direct';
  return { trigger, request: sessionRequestFrom(event, trigger) };
}

let dispatch: Promise<typeof import('./dispatch.ts')> | undefined;

/** Builds a Lambda handler around a runtime factory, called once per container on first use. */
export function createHandler(makeRuntime: () => Runtime | Promise<Runtime>) {
  let pending: Promise<Runtime> | undefined;
  const getRuntime = (): Promise<Runtime> => {
    // A failed build (e.g. a configuration error) is not kept: the next invocation tries again.
    pending ??= Promise.resolve()
      .then(makeRuntime)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
  return async (event: unknown, context: Context): Promise<HandlerResult> => {
    // Loaded here rather than at import, so a cold import parses almost nothing (README, Benchmarks).
    dispatch ??= import('./dispatch.ts');
    const { recogniseEvent, answerInFormat, handleHttp, handleInvoke, handleSns, handleSqs } = await dispatch;
    // The shape is checked first: an event no trigger knows is rejected before any configuration or network work.
    const recognised = recogniseEvent(event);
    switch (recognised.kind) {
      case 'sns':
        await handleSns(recognised.event, await getRuntime(), context);
        return undefined;
      case 'sqs':
        return handleSqs(recognised.event, await getRuntime(), context);
      case 'http':
        return answerInFormat(recognised.format, await handleHttp(recognised.event, await getRuntime(), context));
      default:
        return handleInvoke(recognised.event, recognised.kind, getRuntime, context);
    }
  };
}

/** The Lambda entry point for every trigger: direct invoke, EventBridge, SNS, SQS and the signed HTTP webhook. */
export const handler = createHandler(async () => {
  // Loaded on the first invocation, not at import: config, zod, the adapters, the logger and node:https are not
  // parsed while the module is imported (README, Benchmarks: cold module load).
  const [{ createRuntime }, { loadConfig }] = await Promise.all([import('./compose.ts'), import('./config.ts')]);
  return createRuntime(loadConfig());
});
