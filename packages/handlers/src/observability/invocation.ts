import type { MetricsRecorder, Stage } from '@activity-history/core';
import type { Logger } from './logger.js';

/** What every handler needs to account for its invocations. */
export interface ObservabilityDependencies {
  readonly metrics: MetricsRecorder;
  readonly logger: Logger;
}

/** The part of Lambda's context the handlers read; local mode passes the same. */
export interface InvocationContext {
  readonly awsRequestId?: string;
}

/**
 * An error as a log field: name and message, and the stack for the operator. Never the error's
 * own enumerable fields, which for SDK errors can carry request details.
 *
 * @example
 * ```ts
 * log.error({ err: errorFields(error) }, 'invocation failed');
 * ```
 */
export const errorFields = (error: unknown): Record<string, string | undefined> =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: typeof error, message: String(error) };

/**
 * Ends an invocation's accounting: records its outcome and duration for its stage, then sends the
 * buffered metrics. A metrics backend that fails is logged, never allowed to fail the invocation.
 *
 * @example
 * ```ts
 * await closeInvocation(deps, log, { stage: 'query', outcome: 'ok', startedAt });
 * ```
 */
export const closeInvocation = async (
  deps: ObservabilityDependencies,
  log: Logger,
  invocation: { readonly stage: Stage; readonly outcome: 'ok' | 'error'; readonly startedAt: number },
): Promise<number> => {
  const durationMs = Math.round((performance.now() - invocation.startedAt) * 1000) / 1000;
  deps.metrics.record({
    kind: 'invocation',
    stage: invocation.stage,
    outcome: invocation.outcome,
    durationMs,
  });
  try {
    await deps.metrics.flush();
  } catch (error) {
    log.warn({ err: errorFields(error) }, 'metrics could not be flushed');
  }
  return durationMs;
};
