import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The core pass needs only the core unit and golden tests (fast); the I/O pass adds the unit and integration suites that
// drive adapters and config.
const core = ['test/unit/core/**/*.test.ts', 'test/unit/triggers/**/*.test.ts', 'test/golden/**/*.test.ts'];
const io = [
  'test/unit/**/*.test.ts',
  'test/golden/**/*.test.ts',
  'test/integration/{appliance-client,appliance-edges,big-logs,alerts,idempotency,handler,http-edges,fault-matrix}.test.ts',
];

export default defineConfig({
  // Instrumented code counts coverage on every statement: the 100,000-entry tests need far longer than 20 s.
  test: { ...base.test, testTimeout: 180_000, include: process.env.MUTATE_AREA === 'io' ? io : core },
});
