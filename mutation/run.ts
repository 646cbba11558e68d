/**
 * `pnpm mutate [core|aws|delivery] [stryker options]`: runs the mutation tests of each named package (all of
 * them when none is named), one after the other, and prints one summary line per package.
 * Options after the names go to `stryker run` as they are, e.g. `--mutate packages/core/src/result.ts`
 * or `--concurrency 2`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNS = ['core', 'aws', 'delivery'] as const;
type RunName = (typeof RUNS)[number];

const root = fileURLToPath(new URL('..', import.meta.url));
const stryker = fileURLToPath(
  new URL('../node_modules/@stryker-mutator/core/bin/stryker.js', import.meta.url),
);

const isRunName = (name: string): name is RunName => (RUNS as readonly string[]).includes(name);

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: string }[] }>>;
}

const summarize = (name: RunName): string => {
  const file = `${root}.mutation/${name}/mutation.json`;
  const report = JSON.parse(readFileSync(file, 'utf8')) as MutationReport;
  const count = new Map<string, number>();
  for (const { mutants } of Object.values(report.files)) {
    for (const { status } of mutants) count.set(status, (count.get(status) ?? 0) + 1);
  }
  const [killed, survived, noCoverage, timeout] = ['Killed', 'Survived', 'NoCoverage', 'Timeout'].map(
    (status) => count.get(status) ?? 0,
  ) as [number, number, number, number];
  // Stryker's mutation score: detected (killed, timed out) over valid (detected, survived, not covered).
  const valid = killed + timeout + survived + noCoverage;
  const score = valid === 0 ? 'n/a' : `${((100 * (killed + timeout)) / valid).toFixed(2)}%`;
  return `${name}: score ${score}, killed ${killed}, survived ${survived}, no coverage ${noCoverage}, timeout ${timeout} (.mutation/${name}/mutation.html)`;
};

const firstOption = process.argv.slice(2).findIndex((arg) => arg.startsWith('-'));
const names = firstOption === -1 ? process.argv.slice(2) : process.argv.slice(2, 2 + firstOption);
const options = firstOption === -1 ? [] : process.argv.slice(2 + firstOption);

const unknown = names.filter((name) => !isRunName(name));
if (unknown.length > 0) {
  console.error(`unknown mutation run: ${unknown.join(', ')} (known: ${RUNS.join(', ')})`);
  process.exit(2);
}

const selected = names.length === 0 ? [...RUNS] : names.filter(isRunName);
const summaries: string[] = [];
let failed = false;
for (const name of selected) {
  const run = spawnSync(
    process.execPath,
    [stryker, 'run', `mutation/stryker.${name}.config.mjs`, ...options],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (run.status === 0) {
    summaries.push(summarize(name));
  } else {
    failed = true;
    summaries.push(`${name}: stryker failed (exit ${run.status ?? run.signal})`);
  }
}
console.log(`\n${summaries.join('\n')}`);
process.exit(failed ? 1 : 0);
