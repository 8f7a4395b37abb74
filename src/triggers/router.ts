import type { APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse } from 'aws-lambda';
import type { NotifyResult } from '../notify.ts';
import type { Runtime } from '../runtime.ts';
import type { LegacyHttpAnswer } from './http-payloads.ts';

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
    // Loaded here rather than at import, so a cold import parses almost nothing.
    dispatch ??= import('./dispatch.ts');
    const { recogniseEvent, answerInFormat, handleHttp, handleInvoke, handleSns, handleSqs } = await dispatch;
    // The shape is checked first: an event no trigger knows is rejected before any configuration or network work.
    const recognised = recogniseEvent(event);
    // Every line of this invocation carries its Lambda context keys, as Powertools' addContext does.
    const runtimeFor = () =>
      getRuntime().then((runtime) => {
        runtime.logger.addContext(context);
        return runtime;
      });
    switch (recognised.kind) {
      case 'sns':
        await handleSns(recognised.event, await runtimeFor(), context);
        return undefined;
      case 'sqs':
        return handleSqs(recognised.event, await runtimeFor(), context);
      case 'http':
        return answerInFormat(recognised.format, await handleHttp(recognised.event, await runtimeFor(), context));
      default:
        return handleInvoke(recognised.event, recognised.kind, runtimeFor, context);
    }
  };
}
