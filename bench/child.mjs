// A benchmark child process: imports one handler module (the product bundle or the naive baseline), then runs the
// invocations the parent asks for over IPC and answers with wall time, CPU time and peak RSS. Plain JS: no loader cost.
import { pathToFileURL } from 'node:url';

const started = performance.now();
const { handler } = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - started;

const context = (requestId) => {
  const end = Date.now() + 60_000;
  return { awsRequestId: requestId, functionName: 'bench', getRemainingTimeInMillis: () => end - Date.now() };
};

let count = 0;
const invoke = async (event) => {
  const cpu = process.cpuUsage();
  const t = performance.now();
  let error;
  try {
    await handler(event, context(`bench-${++count}`));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, error };
};

if (process.argv[3] === 'once') {
  // Whole-process cold invocation: import, one notification, exit.
  const result = await invoke(JSON.parse(process.argv[4]));
  if (result.error) {
    console.error(result.error);
    process.exit(1);
  }
  process.exit(0);
}

process.on('message', async (message) => {
  if (message.type === 'invoke') process.send({ type: 'done', ...(await invoke(message.event)) });
  else process.exit(0);
});
process.send({ type: 'ready', importMs });
