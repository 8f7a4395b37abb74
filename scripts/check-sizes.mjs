// Lint step: every source file outside src/dev/ fits in ~300 lines (a file is one concept); biome checks functions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LINES = 300;
const tooLong = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === join('src', 'dev')) continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) {
      const lines = readFileSync(path, 'utf8').split('\n').length - 1;
      if (lines > MAX_LINES) tooLong.push(`${path}: ${lines} lines (at most ${MAX_LINES})`);
    }
  }
};
walk('src');
if (tooLong.length > 0) {
  console.error(`files too long to read as one concept:\n  ${tooLong.join('\n  ')}`);
  process.exit(1);
}
