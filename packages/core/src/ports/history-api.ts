import type { ActivityHistoryBody } from '../activity-history.js';
import type { DayRange } from '../day-range.js';

/**
 * The query API as its clients see it, for the diagnosis to ask "what does the API return?". The
 * composition root decides how: through the deployed HTTP API, or the query function in process.
 * Throws when the API does not answer with a history; the message says what it answered instead.
 *
 * @example
 * ```ts
 * const body = await api.readTotals('u-1', range);
 * body.totals.count;
 * ```
 */
export interface HistoryApi {
  /** The user's history over the range at granularity `total`. */
  readTotals(userId: string, range: DayRange): Promise<ActivityHistoryBody>;
}
