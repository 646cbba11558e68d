import type {
  Clock,
  EventStore,
  EventStream,
  HistoryApi,
  MetricsReader,
  MetricsRecorder,
} from '@activity-history/core';
import { Container } from 'inversify';
import {
  bindDiagnoseHandler,
  bindIngestHandler,
  bindProcessHandler,
  bindQueryHandler,
} from './composition/handler-bindings.js';
import { type HandlerSettings, TOKENS } from './composition/tokens.js';
import type { ProcessHandler } from './handlers/process-handler.js';
import type { HttpHandler } from './http/serve-http.js';
import type { Logger } from './observability/logger.js';

/** The ports every handler runs over, supplied by the caller (local mode, a test). */
export interface HandlerPorts extends HandlerSettings {
  readonly store: EventStore;
  readonly stream: EventStream;
  readonly metrics: MetricsRecorder;
  readonly metricsReader: MetricsReader;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How the diagnosis reads the query API; default: the query use case in process. */
  readonly historyApi?: HistoryApi;
}

/** The four functions' handlers, as deployed to Lambda. */
export interface Handlers {
  readonly ingest: HttpHandler;
  readonly process: ProcessHandler;
  readonly query: HttpHandler;
  readonly diagnose: HttpHandler;
}

/**
 * Builds the four Lambda handlers over the given adapters, through the same container bindings the
 * Lambda entry points use, so local mode runs exactly the code deployed to AWS.
 *
 * @example
 * ```ts
 * const handlers = createHandlers({ store, stream, metrics, metricsReader, clock: systemClock, logger });
 * const response = await handlers.query(httpApiEvent);
 * ```
 */
export const createHandlers = (ports: HandlerPorts): Handlers => {
  const { store, stream, metrics, metricsReader, clock, logger, historyApi, ...settings } = ports;
  const container = new Container();
  container.bind(TOKENS.store).toConstantValue(store);
  container.bind(TOKENS.stream).toConstantValue(stream);
  container.bind(TOKENS.metrics).toConstantValue(metrics);
  container.bind(TOKENS.metricsReader).toConstantValue(metricsReader);
  container.bind(TOKENS.clock).toConstantValue(clock);
  container.bind(TOKENS.logger).toConstantValue(logger);
  container.bind(TOKENS.settings).toConstantValue(settings);
  if (historyApi !== undefined) container.bind(TOKENS.historyApi).toConstantValue(historyApi);
  bindIngestHandler(container);
  bindProcessHandler(container);
  bindQueryHandler(container);
  bindDiagnoseHandler(container);
  return {
    ingest: container.get(TOKENS.ingestHandler),
    process: container.get(TOKENS.processHandler),
    query: container.get(TOKENS.queryHandler),
    diagnose: container.get(TOKENS.diagnoseHandler),
  };
};
