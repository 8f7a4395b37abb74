// A benchmark child process: imports one handler module (the product bundle), then runs the invocations the parent
// asks for over IPC and answers with wall time, CPU time, peak RSS and when the invocation started (epoch ms, to place
// it among the requests the round-trip proxies timestamp). Plain JS: no loader cost.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const { handler } = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - started;

/**
 * Peak RSS of this process in MB: VmHWM on Linux. resourceUsage().maxRSS is not used there because Linux carries the
 * parent's high-water mark across exec, so a child of a big parent reports the parent's RSS.
 */
export const peakRssMB = () => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
};

const context = (requestId) => {
  const end = Date.now() + 60_000;
  return { awsRequestId: requestId, functionName: 'bench', getRemainingTimeInMillis: () => end - Date.now() };
};

let count = 0;
const invoke = async (event) => {
  const startedAt = performance.timeOrigin + performance.now();
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
  return { ms, cpuMs: (used.user + used.system) / 1000, maxRssMB: peakRssMB(), startedAt, error };
};

process.on('message', async (message) => {
  if (message.type === 'invoke') process.send({ type: 'done', ...(await invoke(message.event)) });
  else process.exit(0);
});
process.send({ type: 'ready', importMs, importedAt: performance.timeOrigin + performance.now() });
