import {
  ADMIN_SCOPE,
  type Caller,
  type Clock,
  type EventStore,
  formatInstant,
  getActivityHistory,
  type HistoryApi,
  type HistoryRefusal,
  historyBody,
} from '@activity-history/core';
import { HistoryApiError } from '../errors.js';

const refusalText = (refusal: HistoryRefusal): string => {
  switch (refusal.kind) {
    case 'forbidden':
      return `forbidden: ${refusal.message}`;
    case 'invalid_parameter':
      return `invalid_parameter: ${refusal.errors.map((e) => e.message).join('; ')}`;
    case 'too_many_types':
      return `too_many_types: ${refusal.message}`;
  }
};

/** The diagnosis reads any user's totals, as an operator with `activity/admin` would. */
const OPERATOR: Caller = { subject: null, scopes: new Set([ADMIN_SCOPE]) };

/**
 * The query API answered by the query use case in process, over the same store: what the diagnosis
 * asks "what does the API return?" when it runs beside the store (the diagnose function, local mode).
 *
 * @example
 * ```ts
 * const api = inProcessHistoryApi({ store, clock: systemClock });
 * const body = await api.readTotals('u-1', range);
 * ```
 */
export const inProcessHistoryApi = (deps: {
  readonly store: EventStore;
  readonly clock: Clock;
}): HistoryApi => ({
  readTotals: async (userId, range) => {
    const parameters = { from: formatInstant(range.from), to: formatInstant(range.to), granularity: 'total' };
    const result = await getActivityHistory(userId, parameters, OPERATOR, deps);
    if (result.ok) return historyBody(result.value);
    throw new HistoryApiError(`the query answered ${refusalText(result.error)}`);
  },
});
