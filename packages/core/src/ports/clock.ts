/**
 * Time, as the domain sees it: injected so that "not more than 5 minutes in the future", default
 * ranges and retry backoff can be tested without waiting.
 *
 * @example
 * ```ts
 * const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
 * ```
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>;
}
