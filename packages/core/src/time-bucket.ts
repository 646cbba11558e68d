/** How a history is split into buckets. Weeks are ISO weeks (Monday to Sunday, UTC). */
export type Granularity = 'day' | 'week' | 'month' | 'year' | 'total';

/** Every granularity, in the order the API documents them. */
export const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month', 'year', 'total'];

/** A UTC calendar day as `YYYY-MM-DD`: the unit in which counters are kept. */
export type DayKey = string;

/** Milliseconds in a UTC day (UTC has no daylight-saving shifts). */
export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * The start of the UTC day holding `ms`.
 *
 * @example
 * ```ts
 * startOfUtcDay(Date.parse('2026-03-01T12:00:00Z')) === Date.parse('2026-03-01T00:00:00Z');
 * ```
 */
export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * The day key of the UTC day holding `ms`.
 *
 * @example
 * ```ts
 * dayKeyOf(Date.parse('2026-03-01T23:59:59Z')); // '2026-03-01'
 * ```
 */
export const dayKeyOf = (ms: number): DayKey => new Date(ms).toISOString().slice(0, 10);

/**
 * The start of a day key's day, epoch milliseconds.
 *
 * @example
 * ```ts
 * dayKeyStart('2026-03-01') === Date.UTC(2026, 2, 1);
 * ```
 */
export const dayKeyStart = (day: DayKey): number => Date.parse(`${day}T00:00:00Z`);

/**
 * The start of the calendar period of `granularity` holding `ms`: the day, the Monday of the ISO
 * week, the 1st of the month, January 1st; for `total`, the start of the range, `rangeFrom`.
 *
 * @example
 * ```ts
 * bucketStart(Date.parse('2026-01-01T10:00:00Z'), 'week', 0) === Date.parse('2025-12-29T00:00:00Z');
 * ```
 */
export const bucketStart = (ms: number, granularity: Granularity, rangeFrom: number): number => {
  const date = new Date(ms);
  switch (granularity) {
    case 'day':
      return startOfUtcDay(ms);
    case 'week': {
      const mondayOffset = (date.getUTCDay() + 6) % 7;
      return startOfUtcDay(ms) - mondayOffset * DAY_MS;
    }
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(date.getUTCFullYear(), 0, 1);
    case 'total':
      return rangeFrom;
  }
};

/**
 * How many buckets of `granularity` the range [`from`, `to`) touches, partial ones included.
 *
 * @example
 * ```ts
 * countBuckets(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1), 'month'); // 12
 * ```
 */
export const countBuckets = (from: number, to: number, granularity: Granularity): number => {
  const first = bucketStart(from, granularity, from);
  const last = bucketStart(to - 1, granularity, from);
  const a = new Date(first);
  const b = new Date(last);
  switch (granularity) {
    case 'day':
      return (last - first) / DAY_MS + 1;
    case 'week':
      return (last - first) / WEEK_MS + 1;
    case 'month':
      return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
    case 'year':
      return b.getUTCFullYear() - a.getUTCFullYear() + 1;
    case 'total':
      return 1;
  }
};
