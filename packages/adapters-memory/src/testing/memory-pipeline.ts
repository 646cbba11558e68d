import {
  ADMIN_SCOPE,
  type Caller,
  DEFAULT_RETRY_POLICY,
  DEFAULT_THRESHOLDS,
  type DiagnosisDependencies,
  type HistoryDependencies,
  INGEST_SCOPE,
  type IngestDependencies,
  inProcessHistoryApi,
  type ProcessDependencies,
  processBatch,
} from '@activity-history/core';
import { ARBITRARY_NOW } from '@activity-history/core/testing';
import {
  createDeliveryEngine,
  createMemoryCheckpoints,
  createMemoryDeadLetters,
  type DeliveryFaults,
  type DeliverySettings,
} from '@activity-history/delivery';
import { createManualClock } from '../clock.js';
import { createMemoryEventStore } from '../memory-event-store.js';
import { createMemoryEventStream } from '../memory-event-stream.js';
import { createMemoryMetrics } from '../memory-metrics.js';
import { memoryShardSource } from '../memory-shard-source.js';

/** A trusted caller: may write and read for anyone. */
export const TRUSTED: Caller = { subject: null, scopes: new Set([INGEST_SCOPE, ADMIN_SCOPE]) };

/** A caller acting for itself only. */
export const userCaller = (subject: string): Caller => ({ subject, scopes: new Set() });

/** Options of {@link memoryPipeline}. */
export interface MemoryPipelineOptions {
  readonly shardCount?: number;
  /** Drives stream refusals by share and the delivery faults. */
  readonly random?: () => number;
  /** The event source mapping's settings (batch size 50 unless given) and its faults. */
  readonly delivery?: {
    readonly settings?: Partial<DeliverySettings>;
    readonly faults?: Omit<DeliveryFaults, 'random'>;
  };
}

/**
 * The whole pipeline over the memory adapters and a manual clock at `ARBITRARY_NOW`, wired as the
 * composition root wires it, for use-case tests: `processAll` plays the stream's event source
 * through the delivery engine (Lambda's retries, bisection and backoffs, instant on the manual
 * clock), with checkpoints and dead letters kept in memory.
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
  const api = inProcessHistoryApi({ store, clock });
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
  const checkpoints = createMemoryCheckpoints();
  const deadLetters = createMemoryDeadLetters();
  const delivery = createDeliveryEngine({
    source: memoryShardSource(stream),
    checkpoints,
    deadLetters,
    invoke: async ({ records }) => ({ failed: (await processBatch(records, processDeps)).retry }),
    clock,
    metrics,
    // Dead letters are kept (and asserted on) rather than logged.
    logger: { warn: () => {}, error: () => {} },
    settings: { batchSize: 50, ...options.delivery?.settings },
    faults: {
      ...options.delivery?.faults,
      ...(options.random === undefined ? {} : { random: options.random }),
    },
  });
  return {
    clock,
    store,
    stream,
    metrics,
    delivery,
    checkpoints,
    deadLetters,
    ingestDeps,
    processDeps,
    historyDeps,
    diagnosisDeps,
    /**
     * Delivers pending records to `processBatch` until the stream is drained or `maxBatches`
     * batches (retries included) were handed over.
     */
    processAll: (maxBatches?: number) => delivery.drain(maxBatches),
    /** Resolves when every invocation abandoned as timed out (the zombie fault) has finished. */
    settled: () => delivery.settled(),
  };
};

/** A memory pipeline. */
export type MemoryPipeline = ReturnType<typeof memoryPipeline>;
