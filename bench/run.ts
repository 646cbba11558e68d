/**
 * `pnpm bench`: runs every `bench/*.bench.ts` suite (or those whose name contains one of the
 * arguments; `--help` lists them), prints each figure as a ratio against its same-run baseline, and
 * records them in `.bench/results.json`, where suites not run keep their last results. Goals are
 * reported, not enforced: a noisy machine must not fail a build.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchSuite } from './kit.js';
import { mergeResults, selectSuites } from './suite-selection.js';

const here = dirname(fileURLToPath(import.meta.url));
const selection = selectSuites(
  process.argv.slice(2),
  (await readdir(here)).filter((file) => file.endsWith('.bench.ts')),
);
if (selection.kind !== 'run') {
  (selection.kind === 'help' ? process.stdout : process.stderr).write(selection.text);
  process.exit(selection.kind === 'help' ? 0 : 2);
}
const { files } = selection;

// A figure with no goal is reported as it is: a peer's own figure beside the project's.
const verdict = (ratio: number, goal: BenchFigure['goal']): string =>
  goal.max === undefined && goal.min === undefined
    ? 'reported'
    : (goal.max !== undefined && ratio > goal.max) || (goal.min !== undefined && ratio < goal.min)
      ? 'MISS'
      : 'ok';
const goalText = ({ min, max }: BenchFigure['goal']): string =>
  min !== undefined && max !== undefined
    ? min === max
      ? `goal = ${min}`
      : `goal ${min} to ${max}`
    : max !== undefined
      ? `goal <= ${max}`
      : min !== undefined
        ? `goal >= ${min}`
        : 'no goal';

const results: { suite: string; figures: (BenchFigure & { ratio: number; verdict: string })[] }[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(join(here, file)).href)).default as BenchSuite;
  process.stdout.write(`\n## ${suite.name}\n`);
  const figures = (await suite.run()).map((figure) => {
    const ratio = figure.subjectValue / figure.baselineValue;
    const line = `${figure.subject}: ${figure.subjectValue.toFixed(2)} ${figure.unit} vs ${figure.baseline}: ${figure.baselineValue.toFixed(2)} ${figure.unit} -> ratio ${ratio.toFixed(2)} (${goalText(figure.goal)}) ${verdict(ratio, figure.goal)}`;
    process.stdout.write(`- ${line}\n`);
    return { ...figure, ratio, verdict: verdict(ratio, figure.goal) };
  });
  results.push({ suite: suite.name, figures });
}
const resultsFile = join(here, '..', '.bench', 'results.json');
const earlier = JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '[]')) as typeof results;
await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(resultsFile, `${JSON.stringify(mergeResults(earlier, results), null, 2)}\n`);
