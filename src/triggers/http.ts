import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { TriggerError } from '../errors.ts';
import { redact } from '../redact.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionRequest } from './request.ts';
import { codeOf, isTransient, notifyLogged } from './session.ts';
import { httpRequestFrom, sessionRequestFromHttpBody } from './shapes.ts';
import { verifySignature } from './signature.ts';

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * A signed POST from a backup server's post-job script (API Gateway HTTP API v2 or a function URL).
 * The signature is checked before anything else: an unsigned, wrongly signed or stale request gets 401 and no work.
 * A verified request answers 200 `{ sessionId, outcome, delivered }`, 400 for a bad body, 503 when a retry may help.
 */
export async function handleHttp(
  event: APIGatewayProxyEventV2,
  runtime: Runtime,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { logger } = runtime;
  if (!runtime.signingSecret) {
    logger.error('HTTP trigger refused: WEBHOOK_SIGNING_SECRET or WEBHOOK_SIGNING_SECRET_ARN is not configured');
    return json(500, { error: 'webhook signing is not configured' });
  }
  let secret: string;
  try {
    secret = await runtime.signingSecret();
  } catch (error) {
    logger.error('HTTP trigger refused: the signing secret is unavailable', { error: error as Error });
    return json(503, { error: 'temporarily unavailable' });
  }

  const request = httpRequestFrom(event);
  const check = verifySignature({
    secret,
    timestamp: request.header('x-timestamp'),
    signature: request.header('x-signature'),
    body: request.rawBody,
    nowMs: Date.now(),
  });
  if (!check.ok) {
    // The reason is logged for the operator; the caller learns nothing that would help forge a request.
    logger.warn('HTTP request refused', { reason: `signature ${check.problem}`, requestId: context.awsRequestId });
    return json(401, { error: 'unauthorized' });
  }
  if (request.method !== 'POST') return json(405, { error: 'only POST is accepted' });

  let session: SessionRequest;
  try {
    session = sessionRequestFromHttpBody(request.rawBody);
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : 'bad request' });
  }

  try {
    const result = await notifyLogged(runtime, session, context, { trigger: 'http' });
    return json(200, { sessionId: result.sessionId, outcome: result.outcome, delivered: result.delivered });
  } catch (error) {
    // An unknown or missing appliance name is the caller's mistake, like a bad body.
    if (error instanceof TriggerError) return json(400, { error: error.message });
    const retryable = isTransient(error);
    const message = error instanceof Error ? redact(error.message) : 'unexpected failure';
    return json(retryable ? 503 : 502, { error: codeOf(error), message, retryable });
  }
}
