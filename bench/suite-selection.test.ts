import { describe, expect, it } from 'vitest';
import { mergeResults, selectSuites } from './suite-selection.js';

const SUITES = ['process-latency.bench.ts', 'aws-cost.bench.ts', 'core-decode.bench.ts'];

describe('selectSuites', () => {
  it('runs every suite without arguments, and those a part of whose name is given', () => {
    expect(selectSuites([], SUITES)).toEqual({
      kind: 'run',
      files: ['aws-cost.bench.ts', 'core-decode.bench.ts', 'process-latency.bench.ts'],
    });
    expect(selectSuites(['aws', 'latency'], SUITES)).toEqual({
      kind: 'run',
      files: ['aws-cost.bench.ts', 'process-latency.bench.ts'],
    });
  });

  it('answers --help with the usage and the cases, running nothing', () => {
    const selection = selectSuites(['--help'], SUITES);

    expect(selection.kind).toBe('help');
    expect(selection.kind === 'help' && selection.text).toMatch(
      /usage: pnpm bench[\s\S]* {2}aws-cost\n {2}core-decode\n/,
    );
  });

  it('refuses an argument no suite matches, naming it and the known cases', () => {
    const selection = selectSuites(['aws', 'laetncy'], SUITES);

    expect(selection).toEqual({
      kind: 'unknown',
      text: 'pnpm bench: no suite matches laetncy; the cases are:\n  aws-cost\n  core-decode\n  process-latency\n',
    });
  });
});

describe('mergeResults', () => {
  it('replaces the suites just run and keeps the others', () => {
    const earlier = [
      { suite: 'a', n: 1 },
      { suite: 'b', n: 1 },
    ];

    expect(mergeResults(earlier, [{ suite: 'b', n: 2 }])).toEqual([
      { suite: 'a', n: 1 },
      { suite: 'b', n: 2 },
    ]);
    expect(mergeResults(earlier, [])).toEqual(earlier);
  });
});
