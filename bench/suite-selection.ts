/** What `pnpm bench <args>` asks for. */
export type SuiteSelection =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'unknown'; readonly text: string }
  | { readonly kind: 'run'; readonly files: readonly string[] };

/** A suite's name, as typed on the command line: its file name without `.bench.ts`. */
const caseOf = (file: string) => file.replace(/\.bench\.ts$/, '');

/**
 * Reads `pnpm bench`'s arguments against the suites there are: `--help` (or `-h`) gives the usage
 * and the list; each other argument must match at least one suite's name (a part of it is enough),
 * else nothing runs and the unknown ones are named with the list of known ones. No argument runs
 * every suite.
 *
 * @example
 * ```ts
 * selectSuites(['aws'], ['aws-cost.bench.ts', 'core-decode.bench.ts']); // { kind: 'run', files: ['aws-cost.bench.ts'] }
 * ```
 */
export const selectSuites = (args: readonly string[], available: readonly string[]): SuiteSelection => {
  const known = [...available].sort();
  const list = known.map((file) => `  ${caseOf(file)}`).join('\n');
  if (args.includes('--help') || args.includes('-h')) {
    return {
      kind: 'help',
      text:
        'usage: pnpm bench [case ...]\n\nRuns the benchmark suites whose names contain one of the cases (all without one),\n' +
        'prints each figure as a ratio against its baseline measured in the same run, and records\n' +
        `them in .bench/results.json (suites not run keep their last results).\n\ncases:\n${list}\n`,
    };
  }
  const unknown = args.filter((arg) => !known.some((file) => caseOf(file).includes(arg)));
  if (unknown.length > 0) {
    return {
      kind: 'unknown',
      text: `pnpm bench: no suite matches ${unknown.join(', ')}; the cases are:\n${list}\n`,
    };
  }
  return {
    kind: 'run',
    files: args.length === 0 ? known : known.filter((file) => args.some((arg) => caseOf(file).includes(arg))),
  };
};

/** One suite's recorded results. */
export interface SuiteResults {
  readonly suite: string;
}

/**
 * The results file after a run: the suites just run replace their earlier results, the others keep
 * theirs, so a run of one suite (or a failed one that measured nothing) never erases the rest.
 *
 * @example
 * ```ts
 * mergeResults([{ suite: 'a' }, { suite: 'b' }], [{ suite: 'b' }]); // a kept, b replaced
 * ```
 */
export const mergeResults = <R extends SuiteResults>(earlier: readonly R[], fresh: readonly R[]): R[] => [
  ...earlier.filter((old) => !fresh.some((run) => run.suite === old.suite)),
  ...fresh,
];
