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
