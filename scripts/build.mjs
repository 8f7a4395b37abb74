// Bundles the Lambda entry into one minified ESM file (plus lazily loaded chunks) in dist/, and reports its size.
import { readFileSync } from 'node:fs';
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
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// No createRequire banner: no bundled dependency calls require(). If one starts to, esbuild's shim would throw
// "Dynamic require of … is not supported" at run time, so the build fails here instead.
const needsRequire = Object.keys(result.metafile.outputs).filter((file) =>
  readFileSync(file, 'utf8').includes('Dynamic require of'),
);
if (needsRequire.length > 0) {
  console.error(
    `build: ${needsRequire.join(', ')} call require(); bundle that dependency as ESM or add a require banner`,
  );
  process.exit(1);
}

let total = 0;
for (const file of await readdir(outdir)) total += (await stat(`${outdir}/${file}`)).size;
const top = Object.entries(result.metafile.outputs).map(([file, o]) => `${file} ${(o.bytes / 1024).toFixed(1)} KB`);
console.log(`bundle: ${(total / 1024).toFixed(1)} KB in ${top.length} file(s)\n  ${top.join('\n  ')}`);
