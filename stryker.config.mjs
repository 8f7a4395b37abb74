// @ts-check
// `npm run mutate` runs two passes (not in CI: they take tens of minutes): MUTATE_AREA=core mutates the pure core against
// the unit and golden tests; MUTATE_AREA=io mutates the appliance client, HTTP retry, log reader, destinations and config
// against the unit and integration tests that drive them. While iterating, narrow it:
// `MUTATE_AREA=core npx stryker run --mutate src/core/render/teams.ts --concurrency 1`.
// Survivors judged equivalent (no behaviour a reader or caller could notice) are listed in stryker.equivalent.md.

const AREAS = {
  core: ['src/core/**/*.ts'],
  io: ['src/appliance/*.ts', 'src/http/retry.ts', 'src/destinations/*.ts', 'src/config/*.ts'],
};
const area = process.env.MUTATE_AREA === 'io' ? 'io' : 'core';
// MUTATE_STATIC=1 measures the module-level mutants too (each runs every selected test: narrow the tests with MUTATE_TESTS).
const measureStatic = process.env.MUTATE_STATIC === '1';
const reportDir = `reports/mutation/${area}${measureStatic ? '-static' : ''}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.stryker.config.ts', related: true },
  // TypeScript 7 has no JS API: no type-checker plugin, and a tsconfig path that does not exist skips Stryker's rewrite.
  tsconfigFile: 'tsconfig.stryker-none.json',
  coverageAnalysis: 'perTest',
  // A mutant in module-level code (tables, schemas, regexes) runs every test instead of the ones that cover it: about 55 %
  // of a pass's time for 16 % of its mutants. Both passes leave them out and report how many they left out.
  ignoreStatic: !measureStatic,
  mutate: AREAS[area],
  // The machine is shared: two workers at most.
  concurrency: 2,
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  // Re-runs only mutants whose code or covering tests changed since the last run of the same area.
  incremental: true,
  incrementalFile: `${reportDir}/incremental.json`,
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: area === 'core' ? 85 : 80, low: 70, break: null },
};

export default config;
