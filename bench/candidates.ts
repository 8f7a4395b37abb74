// Log-reader candidates on the same body, one per process so peak RSS is each one's own (bench/run.ts forks this).
// argv: <mode> <file>; the body is read as a stream of 64 KB chunks, as it arrives from the socket.
import { createReadStream, readFileSync } from 'node:fs';
import { createLogStreamParser } from '../src/appliance/log-stream.ts';
import { SessionLogSchema } from '../src/core/session-log.ts';
import { createSummaryBuilder } from '../src/core/summarize.ts';

const [mode = 'scan', file = ''] = process.argv.slice(2);
const started = performance.now();
const builder = createSummaryBuilder('bench');
const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
if (mode === 'whole') {
  // The obvious way: collect the body, JSON.parse it whole, validate it whole, then summarize.
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const log = SessionLogSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  for (const item of log.log ?? []) builder.add(item);
  builder.finish(null);
} else {
  // The product: scan for entry boundaries, JSON.parse each entry, feed the summary as entries arrive.
  const parser = createLogStreamParser((item) => builder.add(item));
  for await (const chunk of stream) parser.write(chunk as Buffer);
  builder.finish(parser.end().jobSessionId);
}
const ms = performance.now() - started;
// VmHWM, not resourceUsage().maxRSS: Linux carries the parent's high-water mark across exec (see bench/child.mjs).
const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
const maxRssMB = hwm === undefined ? process.resourceUsage().maxRSS / 1024 : Number(hwm) / 1024;
process.stdout.write(JSON.stringify({ mode, ms, maxRssMB }));
