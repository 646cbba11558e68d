/**
 * The windows a caller may ask figures over with `?windowMs=`, milliseconds: from 10 s (a few
 * metric samples) to 15 minutes (what local mode's metrics store keeps).
 */
export const METRICS_WINDOW_BOUNDS = { minMs: 10_000, maxMs: 15 * 60_000 } as const;

const WHOLE_NUMBER = /^\d{1,12}$/;

/**
 * The window a request asks for with `?windowMs=`, held within {@link METRICS_WINDOW_BOUNDS};
 * `fallback` when the parameter is absent or not a whole number. It never refuses: `/health` must
 * answer whatever its query, and the body's `window` says which window was used.
 *
 * @example
 * ```ts
 * requestedWindowMs('300000', 60_000); // 300000
 * requestedWindowMs('1', 60_000); // 10000
 * requestedWindowMs(undefined, 60_000); // 60000
 * ```
 */
export const requestedWindowMs = (value: string | undefined, fallback: number): number => {
  if (value === undefined || !WHOLE_NUMBER.test(value.trim())) return fallback;
  return Math.min(METRICS_WINDOW_BOUNDS.maxMs, Math.max(METRICS_WINDOW_BOUNDS.minMs, Number(value)));
};
