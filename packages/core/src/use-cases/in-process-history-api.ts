import { formatInstant, historyBody } from '../activity-history.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { HistoryApi, HistoryApiAnswer } from '../ports/history-api.js';
import { ADMIN_SCOPE, type Caller } from './caller.js';
import { getActivityHistory, type HistoryRefusal } from './get-activity-history.js';

/** The status the HTTP API answers a refusal with. */
const STATUS: Readonly<Record<HistoryRefusal['kind'], number>> = {
  forbidden: 403,
  invalid_parameter: 400,
  too_many_types: 400,
};

const refusalText = (refusal: HistoryRefusal): string =>
  refusal.kind === 'invalid_parameter'
    ? `invalid_parameter: ${refusal.errors.map((e) => e.message).join('; ')}`
    : `${refusal.kind}: ${refusal.message}`;

/** The diagnosis reads any user's totals, as an operator with `activity/admin` would. */
const OPERATOR: Caller = { subject: null, scopes: new Set([ADMIN_SCOPE]) };

/**
 * The query API answered by the query use case in process, over the same store. It cannot find a
 * broken route, authorizer or query function (it goes through none of them): the deployed and
 * local diagnoses ask the HTTP API instead. For tests of the diagnosis, and for embeddings with
 * no HTTP API in front.
 *
 * @example
 * ```ts
 * const api = inProcessHistoryApi({ store, clock: systemClock });
 * const answer = await api.readTotals('u-1', range);
 * ```
 */
export const inProcessHistoryApi = (deps: {
  readonly store: EventStore;
  readonly clock: Clock;
}): HistoryApi => ({
  where: 'in process',
  readTotals: async (userId, range): Promise<HistoryApiAnswer> => {
    const startedAt = deps.clock.now();
    const parameters = { from: formatInstant(range.from), to: formatInstant(range.to), granularity: 'total' };
    const result = await getActivityHistory(userId, parameters, OPERATOR, deps);
    const latencyMs = deps.clock.now() - startedAt;
    return result.ok
      ? { kind: 'history', body: historyBody(result.value), latencyMs }
      : { kind: 'refused', status: STATUS[result.error.kind], message: refusalText(result.error), latencyMs };
  },
});
