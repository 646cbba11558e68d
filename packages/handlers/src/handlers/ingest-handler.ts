import { randomUUID } from 'node:crypto';
import {
  type Clock,
  DEFAULT_RETRY_POLICY,
  type EventStream,
  type IngestResult,
  ingest,
  type RetryPolicy,
} from '@activity-history/core';
import { readJsonBody } from '../http/http-request.js';
import { errorResponse, type HttpResponse, jsonResponse } from '../http/http-response.js';
import { type HttpHandler, serveHttp } from '../http/serve-http.js';
import type { ObservabilityDependencies } from '../observability/invocation.js';

/** What the ingest function needs. */
export interface IngestHandlerDependencies extends ObservabilityDependencies {
  readonly stream: EventStream;
  readonly clock: Clock;
  /** How hard to retry records the stream refuses; defaults to core's {@link DEFAULT_RETRY_POLICY}. */
  readonly retryPolicy?: RetryPolicy;
}

/** The contract's answer to each ingest outcome. */
const ingestResponse = (result: IngestResult): HttpResponse => {
  switch (result.kind) {
    case 'accepted':
      return jsonResponse(202, { accepted: result.accepted, rejected: result.rejected });
    case 'bad_request':
      return errorResponse(400, result.code, result.message, { rejected: result.rejected });
    case 'forbidden':
      return errorResponse(403, 'forbidden', result.message);
    case 'unavailable':
      return errorResponse(
        503,
        'unavailable',
        result.message,
        { accepted: result.accepted, failed: result.failed, rejected: result.rejected },
        { 'retry-after': String(result.retryAfterSeconds) },
      );
  }
};

/** The users of the events at `indexes` of a request body, for the log (validated events only). */
const usersAt = (body: unknown, indexes: readonly number[]): string[] => {
  const events = (body as { events?: unknown }).events;
  const items = Array.isArray(events) ? events : [body];
  return [...new Set(indexes.map((index) => (items[index] as { userId: string }).userId))];
};

/**
 * The ingest function: `POST /activities`. Reads the JSON body (415/413/400 at the edge), then
 * hands it to core's `ingest` with the caller and API Gateway's request id as the correlation id,
 * which travels inside every stream record to the processor's log.
 *
 * @example
 * ```ts
 * export const handler = createIngestHandler({ stream, clock: systemClock, metrics, logger });
 * ```
 */
export const createIngestHandler = (deps: IngestHandlerDependencies): HttpHandler => {
  const ingestDeps = {
    stream: deps.stream,
    clock: deps.clock,
    metrics: deps.metrics,
    retryPolicy: deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
  };
  return serveHttp('ingest', deps, async (request, log) => {
    const body = readJsonBody(request);
    if (!body.ok) return body.error;
    const correlationId = request.gatewayRequestId ?? randomUUID();
    const result = await ingest({ body: body.value, caller: request.caller, correlationId }, ingestDeps);
    if (result.kind === 'accepted' || result.kind === 'unavailable') {
      log.info(
        {
          // The request's logger already carries API Gateway's id; a generated one must be logged.
          ...(request.gatewayRequestId === null ? { correlationId } : {}),
          userIds: usersAt(
            body.value,
            result.accepted.map((item) => item.index),
          ).slice(0, 50),
          accepted: result.accepted.length,
          rejected: result.rejected.length,
          failed: result.kind === 'unavailable' ? result.failed.length : 0,
        },
        'events ingested',
      );
    }
    return ingestResponse(result);
  });
};
