import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The core pass needs only the core unit, trigger and golden tests (the core is pure). The I/O pass adds every unit
// test and the integration files that drive the appliance client, the destinations and the secrets against local
// servers in a few seconds. The heavy ones (100,000-entry logs, the fault matrix, dynalite-backed idempotency, the whole
// handler) restart their servers for every mutant (about 15 s each here) and would make a pass take hours, so a mutant
// only they kill counts as a survivor: the score is a floor.
const core = ['test/unit/core/**/*.test.ts', 'test/unit/triggers/**/*.test.ts', 'test/golden/**/*.test.ts'];
const io = [
  'test/unit/**/*.test.ts',
  'test/golden/**/*.test.ts',
  'test/integration/{appliance-client,appliance-edges,alerts,http-edges,products,secrets,redaction}.test.ts',
];

// MUTATE_TESTS (comma-separated globs) narrows a run, e.g. to the config tests while measuring the config's static mutants.
const narrowed = process.env.MUTATE_TESTS?.split(',').filter((glob) => glob !== '');

export default defineConfig({
  // Instrumented code counts coverage on every statement: the 100,000-entry tests need far longer than 20 s.
  test: { ...base.test, testTimeout: 180_000, include: narrowed ?? (process.env.MUTATE_AREA === 'io' ? io : core) },
});
