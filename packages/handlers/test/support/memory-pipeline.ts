import {
  createManualClock,
  createMemoryEventStore,
  createMemoryEventStream,
  createMemoryMetrics,
  memoryShardSource,
} from '@activity-history/adapters-memory';
import {
  type EventLogSearch,
  type EventStore,
  inProcessHistoryApi,
  type MetricsReader,
} from '@activity-history/core';
import {
  createDeliveryEngine,
  createMemoryCheckpoints,
  createMemoryDeadLetters,
} from '@activity-history/delivery';
import { createHandlers, type HandlerPorts } from '../../src/index.js';
import { kinesisEvent } from './aws-events.js';
import { captureLogs } from './log-capture.js';

/** "Now" of the tests: a Monday noon, so day and week buckets are easy to read. */
export const NOW = Date.parse('2026-03-02T12:00:00Z');

/**
 * The four handlers over the in-memory adapters (the real ones local mode's `memory` backend
 * runs), a manual clock, and a captured log. `store` may be wrapped, and `metricsReader` replaced,
 * to inject a fault.
 */
export const memoryPipeline = (
  options: {
    wrapStore?: (store: EventStore) => EventStore;
    metricsReader?: MetricsReader;
    eventLogs?: EventLogSearch;
  } = {},
) => {
  const clock = createManualClock(NOW);
  const memoryStore = createMemoryEventStore({ clock });
  const store = options.wrapStore?.(memoryStore) ?? memoryStore;
  const stream = createMemoryEventStream({ clock });
  const metrics = createMemoryMetrics({ clock, retentionMs: 600_000 });
  const logs = captureLogs();
  const ports: HandlerPorts = {
    store,
    stream,
    metrics,
    metricsReader: options.metricsReader ?? metrics,
    clock,
    logger: logs.logger,
    metricsWindowMs: 60_000,
    // No HTTP server here: the diagnosis asks the query use case in process (the HTTP path has tests of its own).
    historyApi: inProcessHistoryApi({ store, clock }),
    ...(options.eventLogs === undefined ? {} : { eventLogs: options.eventLogs }),
  };
  const handlers = createHandlers(ports);
  const failures: string[] = [];
  // The records reach the process handler as Lambda's event source mapping hands them over: through
  // the one delivery engine, with the batch as a Kinesis event.
  const delivery = createDeliveryEngine({
    source: memoryShardSource(stream),
    checkpoints: createMemoryCheckpoints(),
    deadLetters: createMemoryDeadLetters(),
    invoke: async ({ records }) => {
      const result = await handlers.process(
        kinesisEvent(
          records.map((r) => ({
            data: r.data,
            partitionKey: r.partitionKey,
            sequenceNumber: r.recordId,
            arrivedAt: r.arrivedAt,
          })),
        ),
        { awsRequestId: 'process-invocation' },
      );
      const failed = result.batchItemFailures.map((f) => f.itemIdentifier);
      failures.push(...failed);
      return { failed };
    },
    clock,
    metrics: { ...metrics, setDeadLetterDepth: () => {} },
    logger: logs.logger,
    settings: { batchSize: 10_000, readAheadRecords: 10_000 },
  });
  /** Delivers every record written since the last call; returns the records the handler reported failed. */
  const processPending = async () => {
    failures.length = 0;
    await delivery.drain();
    return [...failures];
  };
  return { clock, memoryStore, stream, metrics, logs, handlers, processPending };
};
