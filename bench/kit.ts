/**
 * The benchmark kit. This machine is shared and noisy, so every case measures its subject and a
 * baseline in the same run, interleaved, and reports the ratio of the two, never absolute speed.
 */

/** One figure of a case: the subject, its baseline, and the goal for their ratio. */
export interface BenchFigure {
  /** What is measured, e.g. "decode+validate+fold per event". */
  readonly subject: string;
  /** What it is compared with, e.g. "JSON.parse of the same bytes". */
  readonly baseline: string;
  readonly subjectValue: number;
  readonly baselineValue: number;
  /** The unit of both values, e.g. "ns/event", "items", "bytes". */
  readonly unit: string;
  /** The goal for subject / baseline; with neither bound, the figure is reported as it is. */
  readonly goal: { readonly max?: number; readonly min?: number };
}

/** A group of figures, one module of `bench/*.bench.ts`. */
export interface BenchSuite {
  readonly name: string;
  run(): Promise<readonly BenchFigure[]>;
}

/** The median of numbers (of a copy: the input is left alone). */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Times two functions over the same number of iterations, alternating them round by round so that
 * a burst of load on the machine hits both, and returns the median nanoseconds per iteration.
 */
export const compareTimes = (
  subject: () => void,
  baseline: () => void,
  options: { readonly iterations: number; readonly rounds: number },
): { readonly subjectNs: number; readonly baselineNs: number } => {
  const per = (fn: () => void): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < options.iterations; i++) fn();
    return Number(process.hrtime.bigint() - start) / options.iterations;
  };
  // Warm-up lets the JIT settle before anything is kept.
  per(subject);
  per(baseline);
  const s: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      s.push(per(subject));
      b.push(per(baseline));
    } else {
      b.push(per(baseline));
      s.push(per(subject));
    }
  }
  return { subjectNs: median(s), baselineNs: median(b) };
};
