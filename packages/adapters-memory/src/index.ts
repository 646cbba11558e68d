/**
 * In-memory adapters of the core ports: real implementations over plain maps, with fault injection,
 * for tests, simulations and local mode's `memory` backend.
 *
 * @example
 * ```ts
 * import { createManualClock, createMemoryEventStore, createMemoryEventStream } from '@activity-history/adapters-memory';
 *
 * const clock = createManualClock(Date.UTC(2026, 2, 1));
 * const store = createMemoryEventStore({ clock });
 * const stream = createMemoryEventStream({ shardCount: 2, clock });
 * ```
 *
 * @packageDocumentation
 */
export { createManualClock, type ManualClock } from './clock.js';
export {
  createMemoryEventStore,
  DEFAULT_QUARANTINE_RETENTION_MS,
  type EventStoreFaults,
  type MemoryEventStore,
  type MemoryEventStoreOptions,
} from './memory-event-store.js';
export {
  createMemoryEventStream,
  type EventStreamFaults,
  type MemoryEventStream,
  type MemoryEventStreamOptions,
  type RefusalRule,
  type ShardReadOptions,
  THROUGHPUT_EXCEEDED,
} from './memory-event-stream.js';
export {
  createMemoryMetrics,
  type MemoryMetrics,
  type MemoryMetricsOptions,
  type MetricsSeries,
  type SeriesPoint,
  type StagePoint,
  type TimedSample,
} from './memory-metrics.js';
export { memoryShardSource } from './memory-shard-source.js';
