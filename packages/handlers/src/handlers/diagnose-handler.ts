import {
  type Clock,
  DEFAULT_THRESHOLDS,
  type DiagnosisRefusal,
  type EventLogSearch,
  type EventStore,
  type EventTraceRefusal,
  getDiagnosis,
  type HealthBody,
  type HealthThresholds,
  type HistoryApi,
  healthReport,
  type MetricsReader,
  traceEvent,
  unjudgedHealthReport,
} from '@activity-history/core';
import { invalidParameters, MISSING_USER } from '../http/field-errors.js';
import type { HttpRequest } from '../http/http-request.js';
import { errorResponse, type HttpResponse, jsonResponse } from '../http/http-response.js';
import { requestedWindowMs } from '../http/metrics-window.js';
import { isEventTraceRoute, pathEventKey, pathUserId } from '../http/path-user.js';
import { type HttpHandler, serveHttp } from '../http/serve-http.js';
import { errorFields, type ObservabilityDependencies } from '../observability/invocation.js';
import type { Logger } from '../observability/logger.js';
import { httpHistoryApi } from './http-history-api.js';

/** The API the diagnose request came through, asked with the operator's own credentials. */
const apiOf = (request: HttpRequest): HistoryApi =>
  request.origin === null
    ? {
        where: 'the API (the request names no domain)',
        readTotals: async () => ({
          kind: 'unreachable',
          message: 'the diagnose request names no API domain (requestContext.domainName) to ask',
          latencyMs: 0,
        }),
      }
    : httpHistoryApi({ origin: request.origin, authorization: request.headers.get('authorization') ?? null });

const refusalResponse = (refusal: DiagnosisRefusal | EventTraceRefusal): HttpResponse => {
  switch (refusal.kind) {
    case 'forbidden':
      return errorResponse(403, 'forbidden', refusal.message);
    case 'invalid_parameter':
      return invalidParameters(refusal.errors);
  }
};

/** What the diagnose function needs. */
export interface DiagnoseHandlerDependencies extends ObservabilityDependencies {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly metricsReader: MetricsReader;
  /**
   * How the diagnosis asks "what does the API return?". Absent (as deployed, and in local mode):
   * the HTTP API itself, at the domain the diagnose request came to, with the operator's own token.
   */
  readonly historyApi?: HistoryApi;
  readonly thresholds?: HealthThresholds;
  /** How far back health and diagnosis figures reach, milliseconds (default 5 minutes). */
  readonly metricsWindowMs?: number;
  /** How many of a user's latest quarantined records a diagnosis shows (default 20). */
  readonly quarantineLimit?: number;
  /**
   * Where an event trace says to search the functions' logs (as deployed: CloudWatch Logs
   * Insights over their log groups). Absent (local mode): the trace's `logs` is `null`.
   */
  readonly eventLogs?: EventLogSearch;
}

/**
 * Five minutes: CloudWatch publishes EMF metrics a minute or two late, so a shorter window in AWS
 * would often be empty. Local mode, whose metrics are immediate, passes 60 s.
 */
const DEFAULT_METRICS_WINDOW_MS = 5 * 60_000;
const DEFAULT_QUARANTINE_LIMIT = 20;

const isHealthRoute = (request: HttpRequest): boolean =>
  request.routeKey === 'GET /health' || /(?:^|\/)health\/?$/.test(request.rawPath);

/**
 * `GET /health` answers 200 whenever the function runs: when the metrics themselves cannot be
 * read, the body says so (degraded) instead of failing the check that operators poll.
 */
const health = async (
  deps: DiagnoseHandlerDependencies,
  windowMs: number,
  log: Logger,
): Promise<HttpResponse> => {
  let body: HealthBody;
  try {
    body = healthReport(await deps.metricsReader.read(windowMs), deps.thresholds ?? DEFAULT_THRESHOLDS);
  } catch (error) {
    log.warn({ err: errorFields(error) }, 'health figures could not be read');
    body = unjudgedHealthReport(deps.clock.now(), windowMs);
  }
  return jsonResponse(200, body);
};

const MISSING_EVENT_KEY = [
  { path: 'eventId', message: 'the path names no event: /users/{userId}/events/{eventId}' },
];

/**
 * The diagnose function: `GET /users/{userId}/diagnosis` (scope `activity/admin`) through core's
 * `getDiagnosis`, `GET /users/{userId}/events/{eventId}` (scope `activity/admin`) through core's
 * `traceEvent`, and `GET /health` through core's `healthReport`, over the configured window or
 * the one asked for with `?windowMs=` (10 s to 15 min).
 *
 * @example
 * ```ts
 * export const handler = createDiagnoseHandler({ store, clock, metrics, metricsReader, historyApi, logger });
 * ```
 */
export const createDiagnoseHandler = (deps: DiagnoseHandlerDependencies): HttpHandler => {
  const windowMs = deps.metricsWindowMs ?? DEFAULT_METRICS_WINDOW_MS;
  const diagnosisDeps = {
    store: deps.store,
    metrics: deps.metricsReader,
    clock: deps.clock,
    thresholds: deps.thresholds ?? DEFAULT_THRESHOLDS,
    metricsWindowMs: windowMs,
    quarantineLimit: deps.quarantineLimit ?? DEFAULT_QUARANTINE_LIMIT,
  };
  return serveHttp('diagnose', deps, async (request, log) => {
    if (isHealthRoute(request)) return health(deps, requestedWindowMs(request.query.windowMs, windowMs), log);
    if (isEventTraceRoute(request)) {
      const key = pathEventKey(request);
      if (key === null) return invalidParameters(MISSING_EVENT_KEY);
      const traced = await traceEvent(
        key.userId,
        key.eventId,
        request.caller,
        { store: deps.store, logs: deps.eventLogs ?? null },
        request.query,
      );
      if (!traced.ok) return refusalResponse(traced.error);
      const trace = traced.value;
      log.info(
        {
          userId: trace.userId,
          eventId: trace.eventId,
          stored: trace.stored !== null,
          quarantined: trace.quarantined.length,
        },
        'event traced',
      );
      return jsonResponse(200, trace);
    }
    const userId = pathUserId(request);
    if (userId === null) return invalidParameters(MISSING_USER);
    // The whole query string: core refuses a parameter it does not know.
    const api = deps.historyApi ?? apiOf(request);
    const result = await getDiagnosis(userId, request.query, request.caller, { ...diagnosisDeps, api });
    if (!result.ok) return refusalResponse(result.error);
    const diagnosis = result.value;
    log.info({ userId, verdict: diagnosis.verdict, suspect: diagnosis.suspect }, 'user diagnosed');
    return jsonResponse(200, diagnosis);
  });
};
