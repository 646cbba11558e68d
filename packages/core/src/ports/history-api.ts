import type { ActivityHistoryBody } from '../activity-history.js';
import type { DayRange } from '../day-range.js';

/**
 * What the query API answered the diagnosis, with how long it took: the history; an answer that
 * is not one (a refused token, a failing function, a missing route: `status` says which); or no
 * answer at all. Each is a finding of the `api` check, not an error of the diagnosis.
 */
export type HistoryApiAnswer =
  | { readonly kind: 'history'; readonly body: ActivityHistoryBody; readonly latencyMs: number }
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly message: string;
      readonly latencyMs: number;
    }
  | { readonly kind: 'unreachable'; readonly message: string; readonly latencyMs: number };

/**
 * The query API as its clients see it, for the diagnosis to ask "what does the API return?". The
 * composition root decides how: through the deployed HTTP API with the operator's own token (the
 * diagnose function, local mode), or the query use case in process (tests of the use case).
 *
 * @example
 * ```ts
 * const answer = await api.readTotals('u-1', range);
 * if (answer.kind === 'history') answer.body.totals.count;
 * ```
 */
export interface HistoryApi {
  /** The user's history over the range at granularity `total`; never throws. */
  readTotals(userId: string, range: DayRange): Promise<HistoryApiAnswer>;
  /** Where the API is asked (a URL, or `in process`), for the check's summary. */
  readonly where: string;
}
