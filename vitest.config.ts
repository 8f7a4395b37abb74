import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests own their local servers; no test may reach the outside network.
    env: {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      // The SDK's "will require node >=22" notice: Lambda runs 22; here it is only noise in every test's output.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // EMF lines on stdout would flood the report; the metric tests pass their own writer.
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
