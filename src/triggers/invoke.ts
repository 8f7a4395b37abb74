import type { Context } from 'aws-lambda';
import type { NotifyResult } from '../notify.ts';
import type { Runtime } from '../runtime.ts';
import { type SessionRequest, sessionRequestFrom } from './request.ts';
import { notifyLogged } from './session.ts';

/**
 * A direct invoke `{ sessionId }` (console, CLI, Step Functions) or an EventBridge event with `detail.sessionId`.
 * The session ID is read before the runtime is built, so a bad event costs no configuration, secret or network work.
 * Failures are thrown: a synchronous caller sees them, an asynchronous one gets Lambda's retries and on-failure queue.
 */
export async function handleInvoke(
  event: unknown,
  trigger: 'direct' | 'eventbridge',
  runtime: () => Runtime | Promise<Runtime>,
  context: Context,
): Promise<NotifyResult> {
  const request: SessionRequest = sessionRequestFrom(event, trigger);
  return notifyLogged(await runtime(), request, context, { trigger });
}
