import type { APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse } from 'aws-lambda';
import { createRuntime, type Runtime } from './compose.ts';
import { loadConfig } from './config.ts';
import { type SessionRequest, sessionRequestFrom, type TriggerKind } from './core/trigger.ts';
import { recogniseEvent } from './core/trigger-shapes.ts';
import { handleHttp } from './handlers/http.ts';
import { handleInvoke } from './handlers/invoke.ts';
import { handleSns } from './handlers/sns.ts';
import { handleSqs } from './handlers/sqs.ts';
import type { NotifyResult } from './notify.ts';

/**
 * What the handler answers, per trigger: direct and EventBridge the NotifyResult, SQS the partial batch response,
 * HTTP an API Gateway v2 response, SNS nothing.
 */
export type HandlerResult = NotifyResult | SQSBatchResponse | APIGatewayProxyStructuredResultV2 | undefined;

/** Recognises a direct or EventBridge event and extracts the session request (the record-carrying triggers have their own). */
export function parseEvent(event: unknown): { trigger: TriggerKind; request: SessionRequest } {
  const trigger: TriggerKind =
    typeof event === 'object' && event !== null && 'detail-type' in event ? 'eventbridge' : 'direct';
  return { trigger, request: sessionRequestFrom(event, trigger) };
}

/** Builds a Lambda handler around a runtime factory, called once per container on first use. */
export function createHandler(makeRuntime: () => Runtime) {
  let runtime: Runtime | undefined;
  const getRuntime = (): Runtime => {
    runtime ??= makeRuntime();
    return runtime;
  };
  return async (event: unknown, context: Context): Promise<HandlerResult> => {
    // The shape is checked first: an event no trigger knows is rejected before any configuration or network work.
    const recognised = recogniseEvent(event);
    switch (recognised.kind) {
      case 'sns':
        await handleSns(recognised.event, getRuntime(), context);
        return undefined;
      case 'sqs':
        return handleSqs(recognised.event, getRuntime(), context);
      case 'http':
        return handleHttp(recognised.event, getRuntime(), context);
      default:
        return handleInvoke(recognised.event, recognised.kind, getRuntime, context);
    }
  };
}

/** The Lambda entry point for every trigger: direct invoke, EventBridge, SNS, SQS and the signed HTTP webhook. */
export const handler = createHandler(() => createRuntime(loadConfig()));
