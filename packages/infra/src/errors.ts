import { ActivityHistoryError } from '@activity-history/core';

/**
 * The stack was given props that cannot deploy a pipeline that keeps the contract (for example a
 * record age shorter than the 5 minutes of retries the contract promises). Thrown at synth, so a
 * bad configuration never reaches CloudFormation.
 *
 * @example
 * ```ts
 * throw new ActivityHistoryPropsError('parallelizationFactor must be an integer from 1 to 10, got 12');
 * ```
 */
export class ActivityHistoryPropsError extends ActivityHistoryError {}

/**
 * A function's ready-built bundle cannot be found where the construct takes it from, so the synth
 * stops before CDK would fail on a missing asset. `file` is the bundle that was looked for (or the
 * package that was not found), and the message says how to build or install it.
 *
 * @example
 * ```ts
 * try { new ActivityHistory(stack, 'ActivityHistory', props); }
 * catch (e) { if (e instanceof HandlerBundleError) console.error(`build ${e.file} first`); }
 * ```
 */
export class HandlerBundleError extends ActivityHistoryError {
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}
