import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { TriggerError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { oncePerSignature, type ReplayVerdict } from './replay-guard.ts';
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

  // Verified, so the signature is genuine: its lower-case hex names this exact request.
  const signature = (request.header('x-signature') ?? '').trim().toLowerCase();
  let verdict: ReplayVerdict<APIGatewayProxyStructuredResultV2>;
  try {
    verdict = await oncePerSignature(
      runtime.replayStore,
      signature,
      context,
      () => processSigned(request.rawBody, runtime, context),
      (answer) => answer.statusCode !== 503,
    );
  } catch (error) {
    logger.error('HTTP trigger refused: the replay store is unavailable', { error: error as Error });
    return json(503, { error: 'temporarily unavailable' });
  }
  if (verdict.kind === 'processed') return verdict.answer;
  logger.info('HTTP request replayed; not processed again', { state: verdict.kind, requestId: context.awsRequestId });
  // A resend of an answered request is a harmless retry (curl --retry): 200. One still running may yet fail: retry later.
  return verdict.kind === 'duplicate' ? json(200, { status: 'duplicate' }) : json(503, { error: 'in progress' });
}

// What the caller is told when the notification failed: a code and a fixed sentence; the detail stays in the log.
const FAILED = {
  retryable: 'the notification could not be completed now; retry later',
  permanent: 'the notification was refused and a retry will not help; the function log has the detail',
};

async function processSigned(
  rawBody: Buffer,
  runtime: Runtime,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  let session: SessionRequest;
  try {
    session = sessionRequestFromHttpBody(rawBody);
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : 'bad request' });
  }

  try {
    const result = await notifyLogged(runtime, session, context, { trigger: 'http' });
    return json(200, { sessionId: result.sessionId, outcome: result.outcome, delivered: result.delivered });
  } catch (error) {
    // An unknown or missing appliance name is the caller's mistake, like a bad body (the name is not secret).
    if (error instanceof TriggerError) return json(400, { error: error.message });
    // notifyLogged logged the error in full; the appliance's or a webhook's text is not the caller's business.
    const retryable = isTransient(error);
    const message = retryable ? FAILED.retryable : FAILED.permanent;
    return json(retryable ? 503 : 502, { error: codeOf(error), message, retryable });
  }
}
