/**
 * Options common to every mutation run; each run gets its own reports, incremental file and
 * sandbox under `.mutation/<name>/`, so the packages keep separate scores.
 */
export const strykerConfig = ({ name, mutate }) => ({
  // Under pnpm, plugin discovery finds nothing: name the runner's plugin explicitly.
  plugins: ['@stryker-mutator/vitest-runner'],
  testRunner: 'vitest',
  // Tests import the packages by name, so vitest's "related" lookup would find no test at all.
  vitest: { configFile: `mutation/vitest.${name}.config.ts`, related: false },
  mutate,
  // The machine is shared: one test runner unless `--concurrency` says otherwise.
  concurrency: 1,
  thresholds: { high: 90, low: 80, break: null },
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `.mutation/${name}/mutation.html` },
  jsonReporter: { fileName: `.mutation/${name}/mutation.json` },
  clearTextReporter: { reportMutants: false, reportTests: false },
  incremental: true,
  incrementalFile: `.mutation/${name}/incremental.json`,
  tempDirName: `.mutation/${name}/tmp`,
  // Nothing a test needs lives there; copying it to the sandbox only costs time.
  ignorePatterns: ['/.mutation', '/docs', '/dist', '/build', '**/cdk.out', '/.bench', '/.activity-history'],
  cleanTempDir: true,
});
