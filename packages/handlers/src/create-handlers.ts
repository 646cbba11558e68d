import type {
  Clock,
  EventLogSearch,
  EventStore,
  EventStream,
  HistoryApi,
  MetricsReader,
  MetricsRecorder,
} from '@activity-history/core';
import { Container, ContainerModule } from 'inversify';
import { type HandlerSettings, TOKENS } from './composition/tokens.js';
import { diagnoseWiring } from './functions/diagnose.js';
import { ingestWiring } from './functions/ingest.js';
import { processWiring } from './functions/process.js';
import { queryWiring } from './functions/query.js';
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
  /** Where an event trace says to search the logs; default: nowhere (the trace's `logs` is `null`). */
  readonly eventLogs?: EventLogSearch;
}

/** The four functions' handlers, as deployed to Lambda. */
export interface Handlers {
  readonly ingest: HttpHandler;
  readonly process: ProcessHandler;
  readonly query: HttpHandler;
  readonly diagnose: HttpHandler;
}

/**
 * Builds the four Lambda handlers over the given adapters, through the same wiring modules the
 * deployed functions load, so local mode runs exactly the code deployed to AWS: only the adapters
 * differ.
 *
 * @example
 * ```ts
 * const handlers = createHandlers({ store, stream, metrics, metricsReader, clock: systemClock, logger });
 * const response = await handlers.query(httpApiEvent);
 * ```
 */
export const createHandlers = (ports: HandlerPorts): Handlers => {
  const { store, stream, metrics, metricsReader, clock, logger, historyApi, eventLogs, ...settings } = ports;
  const adapters = new ContainerModule(({ bind }) => {
    bind(TOKENS.store).toConstantValue(store);
    bind(TOKENS.stream).toConstantValue(stream);
    bind(TOKENS.metrics).toConstantValue(metrics);
    bind(TOKENS.metricsReader).toConstantValue(metricsReader);
    bind(TOKENS.clock).toConstantValue(clock);
    bind(TOKENS.logger).toConstantValue(logger);
    bind(TOKENS.settings).toConstantValue(settings);
    if (historyApi !== undefined) bind(TOKENS.historyApi).toConstantValue(historyApi);
    if (eventLogs !== undefined) bind(TOKENS.eventLogSearch).toConstantValue(eventLogs);
  });
  const container = new Container();
  container.load(adapters, ingestWiring, processWiring, queryWiring, diagnoseWiring);
  return {
    ingest: container.get(TOKENS.ingestHandler),
    process: container.get(TOKENS.processHandler),
    query: container.get(TOKENS.queryHandler),
    diagnose: container.get(TOKENS.diagnoseHandler),
  };
};
