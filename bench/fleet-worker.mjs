// A fleet-benchmark worker: one warm "Lambda container" running the bundled watcher (dist/watcher.mjs). The parent
// (the emulated queue) sends it one-record SQS events; it answers with the handler's result, wall time and peak RSS.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { handler } = await import(pathToFileURL(process.argv[2]).href);

/** Peak RSS in MB (VmHWM: Linux carries the parent's maxRSS across exec, so resourceUsage is not used). */
const peakRssMB = () => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
};

let count = 0;
process.on('message', async (message) => {
  if (message.type !== 'invoke') process.exit(0);
  const end = Date.now() + message.budgetMs;
  const context = { awsRequestId: `fleet-${++count}`, getRemainingTimeInMillis: () => end - Date.now() };
  const t = performance.now();
  let result;
  let error;
  try {
    result = await handler(message.event, context);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  process.send({ type: 'done', id: message.id, result, error, ms: performance.now() - t, maxRssMB: peakRssMB() });
});
process.send({ type: 'ready' });
