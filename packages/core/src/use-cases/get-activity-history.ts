import { USER_ID_PATTERN } from '../activity-event.js';
import { type ActivityHistory, rollUp } from '../activity-history.js';
import { type HistoryParameters, parseHistoryQuery } from '../day-range.js';
import type { FieldError } from '../field-error.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import { err, ok, type Result } from '../result.js';
import { ADMIN_SCOPE, type Caller, mayActFor } from './caller.js';

/** Why a history request is refused: a bad parameter (400) or another user's history (403). */
export type HistoryRefusal =
  | { readonly kind: 'invalid_parameter'; readonly errors: readonly FieldError[] }
  | { readonly kind: 'forbidden'; readonly message: string };

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
  if (!USER_ID_PATTERN.test(userId)) {
    return err({
      kind: 'invalid_parameter',
      errors: [
        {
          path: 'userId',
          message: 'userId must be 1-128 characters, starting alphanumeric, then A-Z a-z 0-9 . _ : @ | -',
        },
      ],
    });
  }
  if (!mayActFor(caller, userId, ADMIN_SCOPE)) {
    return err({
      kind: 'forbidden',
      message: `this caller may only read its own history; others need the scope ${ADMIN_SCOPE}`,
    });
  }
  const query = parseHistoryQuery(userId, parameters, deps.clock.now());
  if (!query.ok) return err({ kind: 'invalid_parameter', errors: query.error });
  const counters = await deps.store.readDailyCounters(userId, query.value.range);
  return ok(rollUp(query.value, counters));
};
