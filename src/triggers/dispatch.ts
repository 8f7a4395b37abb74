// Everything the handler needs to route an event, in one module the handler loads on its first invocation:
// the event shapes (zod), the per-trigger shells and what they pull in (node:crypto, async_hooks, the use case).

export { handleHttp } from './http.ts';
export { answerInFormat } from './http-payloads.ts';
export { handleInvoke } from './invoke.ts';
export { recogniseEvent } from './shapes.ts';
export { handleSns } from './sns.ts';
export { handleSqs } from './sqs.ts';
