import type { Clock } from '@activity-history/core';

/** A clock that moves only when told: `sleep` advances it and resolves at once. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the clock to `ms`, epoch milliseconds. */
  set(ms: number): void;
}

/**
 * A clock for tests and simulations: time passes only through `advance`, `set` and `sleep`, so
 * retries with backoff, retention and lag run instantly and deterministically.
 *
 * @example
 * ```ts
 * const clock = createManualClock(Date.UTC(2026, 2, 1));
 * await clock.sleep(1_000); // resolves at once
 * clock.now(); // Date.UTC(2026, 2, 1) + 1_000
 * ```
 */
export const createManualClock = (startMs: number): ManualClock => {
  let now = startMs;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
};
