// @ts-check
// `npm run mutate` (not in CI: it takes tens of minutes). Narrow it while iterating: `npm run mutate -- --mutate src/core/time.ts`.
// Survivors judged equivalent (no reader-visible difference) are listed, each with its reason, in stryker.equivalent.md.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.stryker.config.ts', related: true },
  // TypeScript 7 has no JS API: no type-checker plugin, and a tsconfig path that does not exist skips Stryker's rewrite.
  tsconfigFile: 'tsconfig.stryker-none.json',
  coverageAnalysis: 'perTest',
  mutate: [
    'src/core/**/*.ts',
    'src/adapters/appliance-api.ts',
    'src/adapters/http-retry.ts',
    'src/adapters/log-stream.ts',
    'src/adapters/*-delivery.ts',
    'src/adapters/idempotent-destination.ts',
    'src/config.ts',
  ],
  // The machine is shared: two workers at most.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 80, break: null },
  ignoreStatic: false,
};

export default config;
