import type {
  Clock,
  EventLogSearch,
  EventStore,
  EventStream,
  HealthThresholds,
  HistoryApi,
  MetricsReader,
  MetricsRecorder,
  RetryPolicy,
} from '@activity-history/core';
import type { ServiceIdentifier } from 'inversify';
import type { ProcessHandler } from '../handlers/process-handler.js';
import type { HttpHandler } from '../http/serve-http.js';
import type { Logger } from '../observability/logger.js';

/** Tunings a composition may set; every one has a default in its handler. */
export interface HandlerSettings {
  readonly retryPolicy?: RetryPolicy;
  readonly thresholds?: HealthThresholds;
  readonly metricsWindowMs?: number;
  readonly quarantineLimit?: number;
}

const token = <T>(name: string): ServiceIdentifier<T> => Symbol.for(`activity-history/${name}`);

/**
 * The container's identifiers: one per port and one per handler, nothing finer (core's functions
 * are not classes to inject, and a token per class would only add ceremony).
 */
export const TOKENS = {
  store: token<EventStore>('EventStore'),
  stream: token<EventStream>('EventStream'),
  metrics: token<MetricsRecorder>('MetricsRecorder'),
  metricsReader: token<MetricsReader>('MetricsReader'),
  historyApi: token<HistoryApi>('HistoryApi'),
  eventLogSearch: token<EventLogSearch>('EventLogSearch'),
  clock: token<Clock>('Clock'),
  logger: token<Logger>('Logger'),
  settings: token<HandlerSettings>('HandlerSettings'),
  ingestHandler: token<HttpHandler>('IngestHandler'),
  processHandler: token<ProcessHandler>('ProcessHandler'),
  queryHandler: token<HttpHandler>('QueryHandler'),
  diagnoseHandler: token<HttpHandler>('DiagnoseHandler'),
} as const;
