/**
 * Time, as the domain sees it: injected so that "not more than 5 minutes in the future", default
 * ranges and retry backoff can be tested without waiting.
 *
 * @example
 * ```ts
 * const clock: Clock = systemClock; // or a manual clock in tests
 * ```
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>;
}
