// Everything the handler needs to route an event, in one module the handler loads on its first invocation:
// the event shapes (zod), the per-trigger shells and what they pull in (node:crypto, async_hooks, the use case).
export { answerInFormat } from './core/http-payloads.ts';
export { recogniseEvent } from './core/trigger-shapes.ts';
export { handleHttp } from './handlers/http.ts';
export { handleInvoke } from './handlers/invoke.ts';
export { handleSns } from './handlers/sns.ts';
export { handleSqs } from './handlers/sqs.ts';
