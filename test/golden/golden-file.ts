import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Where the golden files live: test/golden/<sample>/<destination>.json. */
export const GOLDEN_DIR = dirname(fileURLToPath(import.meta.url));

/** Regeneration is explicit: `UPDATE_GOLDEN=1 npx vitest run test/golden` (or vitest's `-u`); the diff is then reviewed. */
export function updating(): boolean {
  return process.env.UPDATE_GOLDEN === '1' || expect.getState().snapshotState?.snapshotUpdateState === 'all';
}

/** The exact text a payload is committed as: two-space JSON, emoji and non-ASCII kept readable, one final newline. */
export function goldenText(payload: unknown): string {
  return `${JSON.stringify(payload, null, 2)}\n`;
}

/** Compares `payload` with its committed golden file exactly; writes it instead only when regenerating. */
export function expectGolden(file: string, payload: unknown): void {
  const path = join(GOLDEN_DIR, file);
  const actual = goldenText(payload);
  if (updating()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`no golden file ${relative(process.cwd(), path)}: run UPDATE_GOLDEN=1 npx vitest run test/golden`);
  }
  expect(actual, `${file} differs from the committed golden file`).toBe(readFileSync(path, 'utf8'));
}

/** Every committed golden file, relative to GOLDEN_DIR ("38-success/slack.json"). */
export function committedGoldenFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) files.push(relative(GOLDEN_DIR, path));
    }
  };
  walk(GOLDEN_DIR);
  return files.sort();
}
