/**
 * `pnpm bench`: runs every `bench/*.bench.ts` suite (or those whose file name contains one of the
 * arguments), prints each figure as a ratio against its same-run baseline, and writes them all to
 * `.bench/results.json`. Goals are reported, not enforced: a noisy machine must not fail a build.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchSuite } from './kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

const verdict = (ratio: number, goal: BenchFigure['goal']): string =>
  (goal.max !== undefined && ratio > goal.max) || (goal.min !== undefined && ratio < goal.min)
    ? 'MISS'
    : 'ok';

const results: { suite: string; figures: (BenchFigure & { ratio: number; verdict: string })[] }[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(join(here, file)).href)).default as BenchSuite;
  process.stdout.write(`\n## ${suite.name}\n`);
  const figures = (await suite.run()).map((figure) => {
    const ratio = figure.subjectValue / figure.baselineValue;
    const goal =
      figure.goal.max !== undefined
        ? `<= ${figure.goal.max}`
        : figure.goal.min !== undefined
          ? `>= ${figure.goal.min}`
          : '';
    const line = `${figure.subject}: ${figure.subjectValue.toFixed(2)} ${figure.unit} vs ${figure.baseline}: ${figure.baselineValue.toFixed(2)} ${figure.unit} -> ratio ${ratio.toFixed(2)} (goal ${goal}) ${verdict(ratio, figure.goal)}`;
    process.stdout.write(`- ${line}\n`);
    return { ...figure, ratio, verdict: verdict(ratio, figure.goal) };
  });
  results.push({ suite: suite.name, figures });
}
await mkdir(join(here, '..', '.bench'), { recursive: true });
await writeFile(join(here, '..', '.bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
