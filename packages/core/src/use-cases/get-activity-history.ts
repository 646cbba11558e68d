import { userIdError } from '../activity-event-rules.js';
import { type ActivityHistory, rollUp } from '../activity-history.js';
import { type HistoryParameters, parseHistoryQuery } from '../day-range.js';
import type { FieldError } from '../field-error.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import { err, ok, type Result } from '../result.js';
import { ADMIN_SCOPE, type Caller, mayActFor } from './caller.js';

/**
 * Why a history request is refused: a bad parameter (400), another user's history (403), or a
 * history that would list more than {@link MAX_TYPES_PER_HISTORY} types (400, narrow it with `type`).
 */
export type HistoryRefusal =
  | { readonly kind: 'invalid_parameter'; readonly errors: readonly FieldError[] }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'too_many_types'; readonly types: number; readonly message: string };

/**
 * The most types one history response lists in `byType`. A user-day may hold any number of types;
 * a response is kept to a size a client can take, and a `type` filter narrows it.
 */
export const MAX_TYPES_PER_HISTORY = 1000;

/** What the history query needs. */
export interface HistoryDependencies {
  readonly store: EventStore;
  readonly clock: Clock;
}

/**
 * Answers "how much did this user do between `from` and `to`", from the daily counters: the cost
 * depends on the number of days in the range, not on the number of events.
 *
 * @example
 * ```ts
 * const result = await getActivityHistory('u-1', { from: '2026-01-01', granularity: 'month' }, caller, deps);
 * if (result.ok) return historyBody(result.value);
 * ```
 */
export const getActivityHistory = async (
  userId: string,
  parameters: HistoryParameters,
  caller: Caller,
  deps: HistoryDependencies,
): Promise<Result<ActivityHistory, HistoryRefusal>> => {
  const badUserId = userIdError(userId);
  if (badUserId !== null) return err({ kind: 'invalid_parameter', errors: [badUserId] });
  if (!mayActFor(caller, userId, ADMIN_SCOPE)) {
    return err({
      kind: 'forbidden',
      message: `this caller may only read its own history; others need the scope ${ADMIN_SCOPE}`,
    });
  }
  const query = parseHistoryQuery(userId, parameters, deps.clock.now());
  if (!query.ok) return err({ kind: 'invalid_parameter', errors: query.error });
  const counters = await deps.store.readDailyCounters(userId, query.value.range);
  const history = rollUp(query.value, counters);
  // Every bucket's types are among the totals', so the totals bound the whole response.
  const types = history.totals.byType.size;
  if (types > MAX_TYPES_PER_HISTORY) {
    return err({
      kind: 'too_many_types',
      types,
      message: `this history lists ${types} activity types, more than ${MAX_TYPES_PER_HISTORY}: ask for some with the type parameter (type=a,b)`,
    });
  }
  return ok(history);
};
