import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The core pass needs only the unit and golden tests (fast); the I/O pass adds the integration suites that drive adapters.
const core = ['test/unit/**/*.test.ts', 'test/golden/**/*.test.ts'];
const io = [...core, 'test/integration/{appliance-api,big-logs,alerts,idempotency,handler,fault-matrix}.test.ts'];

export default defineConfig({
  test: { ...base.test, include: process.env.MUTATE_AREA === 'io' ? io : core },
});
