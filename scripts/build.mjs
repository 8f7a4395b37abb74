// Bundles the Lambda entry into one minified ESM file (plus lazily loaded chunks) in dist/, and reports its size.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { build } from 'esbuild';

const outdir = 'dist';
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: { handler: 'src/handler.ts', watcher: 'src/watcher.ts' },
  outdir,
  bundle: true,
  minify: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outExtension: { '.js': '.mjs' },
  // The nodejs22.x runtime ships AWS SDK v3; bundling it would add megabytes for clients loaded only on demand.
  external: ['@aws-sdk/*'],
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

let total = 0;
for (const file of await readdir(outdir)) total += (await stat(`${outdir}/${file}`)).size;
const top = Object.entries(result.metafile.outputs).map(([file, o]) => `${file} ${(o.bytes / 1024).toFixed(1)} KB`);
console.log(`bundle: ${(total / 1024).toFixed(1)} KB in ${top.length} file(s)\n  ${top.join('\n  ')}`);
