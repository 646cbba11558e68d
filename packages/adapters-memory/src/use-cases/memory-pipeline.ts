import {
  ADMIN_SCOPE,
  type Caller,
  DEFAULT_RETRY_POLICY,
  DEFAULT_THRESHOLDS,
  type DiagnosisDependencies,
  type HistoryApi,
  type HistoryDependencies,
  historyBody,
  INGEST_SCOPE,
  type IngestDependencies,
  type ProcessDependencies,
  processBatch,
  rollUp,
} from '@activity-history/core';
import { ARBITRARY_NOW } from '@activity-history/core/testing';
import { createManualClock } from '../clock.js';
import { createMemoryEventStore } from '../memory-event-store.js';
import { createMemoryEventStream } from '../memory-event-stream.js';
import { createMemoryMetrics } from '../memory-metrics.js';
import { createStreamDeliveries, type StreamDeliveryOptions } from '../stream-delivery.js';

/** A trusted caller: may write and read for anyone. */
export const TRUSTED: Caller = { subject: null, scopes: new Set([INGEST_SCOPE, ADMIN_SCOPE]) };

/** A caller acting for itself only. */
export const userCaller = (subject: string): Caller => ({ subject, scopes: new Set() });

/** Options of {@link memoryPipeline}. */
export interface MemoryPipelineOptions {
  readonly shardCount?: number;
  /** Drives stream refusals by share and the delivery faults. */
  readonly random?: () => number;
  readonly delivery?: StreamDeliveryOptions;
}

/**
 * The whole pipeline over the memory adapters and a manual clock at `ARBITRARY_NOW`, wired as the
 * composition root wires it, for use-case tests: `processAll` plays the stream's event source.
 */
export const memoryPipeline = (options: MemoryPipelineOptions = {}) => {
  const clock = createManualClock(ARBITRARY_NOW);
  const store = createMemoryEventStore({ clock });
  const stream = createMemoryEventStream({
    clock,
    shardCount: options.shardCount ?? 2,
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  const metrics = createMemoryMetrics({ clock, retentionMs: 3_600_000 });
  // Jitter at its largest: the retries' sleeps are deterministic, and the manual clock makes them instant.
  const retryPolicy = { ...DEFAULT_RETRY_POLICY, random: () => 1 };
  const api: HistoryApi = {
    readTotals: async (userId, range) =>
      historyBody(
        rollUp(
          { userId, range, granularity: 'total', types: null },
          await store.readDailyCounters(userId, range),
        ),
      ),
  };
  const ingestDeps: IngestDependencies = { stream, clock, metrics, retryPolicy };
  const processDeps: ProcessDependencies = { store, clock, metrics };
  const historyDeps: HistoryDependencies = { store, clock };
  const diagnosisDeps: DiagnosisDependencies = {
    store,
    metrics,
    api,
    clock,
    thresholds: DEFAULT_THRESHOLDS,
    metricsWindowMs: 60_000,
    quarantineLimit: 20,
  };
  const deliveries = createStreamDeliveries(stream, {
    batchSize: 50,
    ...options.delivery,
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  return {
    clock,
    store,
    stream,
    metrics,
    deliveries,
    ingestDeps,
    processDeps,
    historyDeps,
    diagnosisDeps,
    /** Delivers every pending record to `processBatch` until the stream is drained. */
    processAll: (maxBatches?: number) =>
      deliveries.drain(async (records) => (await processBatch(records, processDeps)).retry, maxBatches),
  };
};

/** A memory pipeline. */
export type MemoryPipeline = ReturnType<typeof memoryPipeline>;
