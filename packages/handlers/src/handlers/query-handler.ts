import {
  type Clock,
  type EventStore,
  getActivityHistory,
  type HistoryRefusal,
  historyBody,
} from '@activity-history/core';
import { invalidParameters, MISSING_USER } from '../http/field-errors.js';
import { errorResponse, type HttpResponse, jsonResponse } from '../http/http-response.js';
import { pathUserId } from '../http/path-user.js';
import { type HttpHandler, serveHttp } from '../http/serve-http.js';
import type { ObservabilityDependencies } from '../observability/invocation.js';

const refusalResponse = (refusal: HistoryRefusal): HttpResponse => {
  switch (refusal.kind) {
    case 'forbidden':
      return errorResponse(403, 'forbidden', refusal.message);
    case 'invalid_parameter':
      return invalidParameters(refusal.errors);
    case 'too_many_types':
      return errorResponse(400, 'too_many_types', refusal.message);
  }
};

/** What the query function needs. */
export interface QueryHandlerDependencies extends ObservabilityDependencies {
  readonly store: EventStore;
  readonly clock: Clock;
}

/**
 * The query function: `GET /users/{userId}/activity` through core's `getActivityHistory`: 200 with
 * the history, 400 naming each bad or unknown parameter, 400 `too_many_types` for a history of
 * more than 1,000 types, 403 for another user's history without `activity/admin`, 405 for
 * another method.
 *
 * @example
 * ```ts
 * export const handler = createQueryHandler({ store, clock: systemClock, metrics, logger });
 * ```
 */
export const createQueryHandler = (deps: QueryHandlerDependencies): HttpHandler =>
  serveHttp('query', deps, async (request, log) => {
    const userId = pathUserId(request);
    if (userId === null) return invalidParameters(MISSING_USER);
    // The whole query string: core refuses a parameter it does not know.
    const result = await getActivityHistory(userId, request.query, request.caller, deps);
    if (!result.ok) return refusalResponse(result.error);
    const body = historyBody(result.value);
    log.info({ userId, granularity: body.granularity, count: body.totals.count }, 'history read');
    return jsonResponse(200, body);
  });
