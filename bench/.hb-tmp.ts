import { execFileSync } from 'node:child_process';
import { benchHistory } from './history.ts';
const root = new URL('..', import.meta.url).pathname;
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
const runtime = { name: 'node20', path: process.execPath, version: process.version };
console.log(JSON.stringify(await benchHistory({ rounds: Number(process.argv[2] ?? 3), module: `${root}dist/handler.mjs`, runtime, latencyMs: 20 }), null, 2));
