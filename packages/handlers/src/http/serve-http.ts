import {
  type Caller,
  EventStoreError,
  MetricsReadError,
  RETRY_AFTER_SECONDS,
  type Stage,
} from '@activity-history/core';
import {
  closeInvocation,
  errorFields,
  type InvocationContext,
  type ObservabilityDependencies,
} from '../observability/invocation.js';
import type { Logger } from '../observability/logger.js';
import { type HttpApiEvent, type HttpRequest, readHttpRequest } from './http-request.js';
import { errorResponse, type HttpResponse, methodNotAllowed } from './http-response.js';

/** A request whose authorizer supplied claims. */
export type AuthenticatedRequest = HttpRequest & { readonly caller: Caller };

/** A route: answers one authenticated request. May throw only for faults of the service. */
export type HttpRoute = (request: AuthenticatedRequest, log: Logger) => Promise<HttpResponse>;

/** A Lambda handler for HTTP API events. */
export type HttpHandler = (event: HttpApiEvent, context?: InvocationContext) => Promise<HttpResponse>;

/** The stages that answer HTTP requests. */
export type HttpStage = Exclude<Stage, 'process'>;

/**
 * The methods each function serves. The gateway also sends a function the other methods of its
 * paths (the HTTP API has catch-all routes for them), and the function answers those with 405.
 */
export const SERVED_METHODS: Readonly<Record<HttpStage, readonly string[]>> = {
  ingest: ['POST'],
  query: ['GET'],
  diagnose: ['GET'],
};

/**
 * The answer to a fault of the service. A backend outage (the store throttled or unavailable, the
 * metrics backend down) is 503 with `Retry-After`; anything else is 500. Neither says more than
 * API Gateway's request id, sent as `requestId` (the contract's name) and logged as the
 * `correlationId`: the details are in the log, not in the response.
 */
const faultResponse = (error: unknown, gatewayRequestId: string | null): HttpResponse => {
  const reference = gatewayRequestId === null ? {} : { requestId: gatewayRequestId };
  if ((error instanceof EventStoreError && error.retryable) || error instanceof MetricsReadError) {
    return errorResponse(
      503,
      'unavailable',
      'a backend of the service is unavailable; retry shortly',
      reference,
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }
  return errorResponse(
    500,
    'internal_error',
    'the service failed to answer; the fault was logged',
    reference,
  );
};

/**
 * Wraps a route as the HTTP edge of one stage: reads the event (never throws), answers 405 with
 * `Allow` for a method the stage does not serve (before authorization: which methods a path takes
 * is public, in the OpenAPI document), fails closed with 401 when the authorizer supplied no
 * claims, turns any fault into a 500/503 with the contract's body, logs one line per request with
 * both ids (`lambdaRequestId`, the invocation's `awsRequestId`; `correlationId`, API Gateway's
 * request id), records the invocation's outcome (5xx is an error) and duration, and flushes the
 * metrics.
 *
 * @example
 * ```ts
 * export const handler = serveHttp('query', deps, async (request) => jsonResponse(200, {}));
 * ```
 */
export const serveHttp =
  (stage: HttpStage, deps: ObservabilityDependencies, route: HttpRoute): HttpHandler =>
  async (event, context) => {
    const startedAt = performance.now();
    const request = readHttpRequest(event);
    const log = deps.logger.child({
      stage,
      lambdaRequestId: context?.awsRequestId ?? null,
      correlationId: request.gatewayRequestId,
    });
    let response: HttpResponse;
    try {
      const { caller } = request;
      const served = SERVED_METHODS[stage];
      response = !served.includes(request.method)
        ? methodNotAllowed(request.method, request.rawPath, served)
        : caller === null
          ? errorResponse(401, 'unauthorized', 'the request carries no verified token claims')
          : await route({ ...request, caller }, log);
    } catch (error) {
      log.error({ err: errorFields(error) }, 'the request failed');
      response = faultResponse(error, request.gatewayRequestId);
    }
    const durationMs = await closeInvocation(deps, log, {
      stage,
      outcome: response.statusCode >= 500 ? 'error' : 'ok',
      startedAt,
    });
    log.info(
      { method: request.method, path: request.rawPath, statusCode: response.statusCode, durationMs },
      'answered',
    );
    return response;
  };
