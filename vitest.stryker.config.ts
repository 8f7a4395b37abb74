import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// `npm run mutate` runs the suites that exercise the mutated modules; the dev-tool, deploy and watcher suites add time, not kills.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/unit/**/*.test.ts',
      'test/golden/**/*.test.ts',
      'test/integration/{appliance-api,big-logs,alerts,idempotency,handler,fault-matrix}.test.ts',
    ],
  },
});
