import type { Clock } from './ports/clock.js';

/**
 * The real {@link Clock}: wall time, and sleeps that wait (a negative wait is none). The one
 * definition every adapter and composition root defaults to; it uses only the `Date.now` and
 * `setTimeout` globals, so core stays free of Node built-ins.
 *
 * @example
 * ```ts
 * const deps = { stream, clock: systemClock, metrics, retryPolicy: DEFAULT_RETRY_POLICY };
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
