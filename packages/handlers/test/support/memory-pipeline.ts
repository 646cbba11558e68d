import {
  createManualClock,
  createMemoryEventStore,
  createMemoryEventStream,
  createMemoryMetrics,
} from '@activity-history/adapters-memory';
import type { EventStore, MetricsReader } from '@activity-history/core';
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
  options: { wrapStore?: (store: EventStore) => EventStore; metricsReader?: MetricsReader } = {},
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
  };
  const handlers = createHandlers(ports);
  let after: Record<string, string | undefined> = {};
  /** Hands every record written since the last call to the process handler, shard by shard. */
  const processPending = async () => {
    const failures: string[] = [];
    for (const shardId of stream.shardIds()) {
      const records = stream.read(shardId, { after: after[shardId], limit: 10_000 });
      if (records.length === 0) continue;
      after = { ...after, [shardId]: records.at(-1)!.recordId };
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
      failures.push(...result.batchItemFailures.map((f) => f.itemIdentifier));
    }
    return failures;
  };
  return { clock, memoryStore, stream, metrics, logs, handlers, processPending };
};
