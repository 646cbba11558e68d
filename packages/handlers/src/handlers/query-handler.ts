import { type Clock, type EventStore, getActivityHistory, historyBody } from '@activity-history/core';
import { invalidParameters, MISSING_USER } from '../http/field-errors.js';
import { errorResponse, jsonResponse } from '../http/http-response.js';
import { pathUserId } from '../http/path-user.js';
import { type HttpHandler, serveHttp } from '../http/serve-http.js';
import type { ObservabilityDependencies } from '../observability/invocation.js';

/** What the query function needs. */
export interface QueryHandlerDependencies extends ObservabilityDependencies {
  readonly store: EventStore;
  readonly clock: Clock;
}

/**
 * The query function: `GET /users/{userId}/activity` through core's `getActivityHistory`: 200 with
 * the history, 400 naming each bad parameter, 403 for another user's history without
 * `activity/admin`.
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
    const { from, to, granularity, type } = request.query;
    const result = await getActivityHistory(userId, { from, to, granularity, type }, request.caller, deps);
    if (!result.ok) {
      return result.error.kind === 'forbidden'
        ? errorResponse(403, 'forbidden', result.error.message)
        : invalidParameters(result.error.errors);
    }
    const body = historyBody(result.value);
    log.info({ userId, granularity: body.granularity, count: body.totals.count }, 'history read');
    return jsonResponse(200, body);
  });
