// In-process cold module load: the ES module loader is already running (this file is one), a first import warms the
// dynamic-import path, then an empty ES module and the entry are imported, in the order given, each timed.
// argv: <warm-up module> <first> <second>; prints { [path]: ms } as JSON on stdout.
import { pathToFileURL } from 'node:url';

const [warm, ...timed] = process.argv.slice(2);
await import(pathToFileURL(warm).href);
const ms = {};
for (const file of timed) {
  const t = performance.now();
  await import(pathToFileURL(file).href);
  ms[file] = performance.now() - t;
}
process.stdout.write(JSON.stringify(ms));
