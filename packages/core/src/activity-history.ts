import {
  type DailyCounter,
  emptySummary,
  filterTypes,
  mergeSummaries,
  type Summary,
  type Tally,
} from './activity-summary.js';
import type { HistoryQuery } from './day-range.js';
import { formatQuantityMicros, fromQuantityMicros } from './quantity.js';
import { bucketStart, dayKeyStart, type Granularity } from './time-bucket.js';

/** A summary over one calendar period; `start` is the period's start, epoch milliseconds. */
export interface Bucket {
  readonly start: number;
  readonly summary: Summary;
}

/** A user's activity over a range: the totals and the non-empty buckets in ascending order. */
export interface ActivityHistory {
  readonly query: HistoryQuery;
  readonly totals: Summary;
  readonly buckets: readonly Bucket[];
}

/**
 * Rolls daily counters up into the buckets of a query, keeping only the days of its range and the
 * types it asks for. Days outside the range are ignored, so a store may return more than asked.
 *
 * @example
 * ```ts
 * const history = rollUp(query, await store.readDailyCounters(query.userId, query.range));
 * ```
 */
export const rollUp = (query: HistoryQuery, counters: Iterable<DailyCounter>): ActivityHistory => {
  const buckets = new Map<number, Summary>();
  let totals = emptySummary();
  for (const counter of counters) {
    const dayStart = dayKeyStart(counter.day);
    if (dayStart < query.range.from || dayStart >= query.range.to) continue;
    const summary = filterTypes(counter.summary, query.types);
    if (summary.count === 0) continue;
    const start = bucketStart(dayStart, query.granularity, query.range.from);
    buckets.set(start, mergeSummaries(buckets.get(start) ?? emptySummary(), summary));
    totals = mergeSummaries(totals, summary);
  }
  return {
    query,
    totals,
    buckets: [...buckets.entries()].sort(([a], [b]) => a - b).map(([start, summary]) => ({ start, summary })),
  };
};

/**
 * A tally as the API shows it: `quantity` as a JSON number (exact while it fits a double), and
 * `quantityMicros`, the exact sum in millionths as a decimal string.
 */
export interface TallyBody {
  readonly count: number;
  readonly quantity: number;
  readonly quantityMicros: string;
}

/** A summary as the API shows it. */
export interface SummaryBody extends TallyBody {
  readonly byType: Readonly<Record<string, TallyBody>>;
}

/** The 200 body of `GET /users/{userId}/activity`. */
export interface ActivityHistoryBody {
  readonly userId: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly totals: SummaryBody;
  readonly buckets: readonly (SummaryBody & { readonly start: string })[];
}

/**
 * An instant as the API writes it: RFC 3339 in UTC, without milliseconds when there are none.
 *
 * @example
 * ```ts
 * formatInstant(Date.UTC(2026, 0, 1)); // '2026-01-01T00:00:00Z'
 * ```
 */
export const formatInstant = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A tally as the API shows it. Bodies never hold a `bigint` (`JSON.stringify` throws on one):
 * the exact sum travels as a string.
 *
 * @example
 * ```ts
 * tallyBody({ count: 2, quantityMicros: 2_500_000n }); // { count: 2, quantity: 2.5, quantityMicros: '2500000' }
 * ```
 */
export const tallyBody = (tally: Tally): TallyBody => ({
  count: tally.count,
  quantity: fromQuantityMicros(tally.quantityMicros),
  quantityMicros: formatQuantityMicros(tally.quantityMicros),
});

// Object.fromEntries defines own data properties, so any type name (`constructor`, `__proto__`)
// becomes an ordinary key of the body, never a prototype lookup or a prototype change.
const summaryBody = (summary: Summary): SummaryBody => ({
  ...tallyBody(summary),
  byType: Object.fromEntries(
    [...summary.byType.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([type, tally]) => [type, tallyBody(tally)]),
  ),
});

/**
 * The contract's JSON body for a history.
 *
 * @example
 * ```ts
 * return { statusCode: 200, body: JSON.stringify(historyBody(history)) };
 * ```
 */
export const historyBody = (history: ActivityHistory): ActivityHistoryBody => ({
  userId: history.query.userId,
  from: formatInstant(history.query.range.from),
  to: formatInstant(history.query.range.to),
  granularity: history.query.granularity,
  totals: summaryBody(history.totals),
  buckets: history.buckets.map((bucket) => ({
    start: formatInstant(bucket.start),
    ...summaryBody(bucket.summary),
  })),
});
