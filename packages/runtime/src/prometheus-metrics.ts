import { createMemoryMetrics } from '@activity-history/adapters-memory';
import {
  assertNever,
  type Clock,
  type MetricSample,
  type MetricsReader,
  type MetricsRecorder,
} from '@activity-history/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The runtime's metrics: both of core's ports, the dead-letter depth, and the Prometheus exposition. */
export interface PrometheusMetrics extends MetricsRecorder, MetricsReader {
  /** What the dead-letter destination holds (the delivery engine knows it); `null` when unknown. */
  setDeadLetterDepth(depth: number | null): void;
  /** Every metric in Prometheus's text exposition format, for `GET /metrics`. */
  exposition(): Promise<string>;
  /** The exposition's `Content-Type`. */
  readonly contentType: string;
}

/** Options of {@link createPrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  readonly clock: Clock;
  /** How long the reader keeps samples, ms: the widest window `/health` and the diagnosis read. */
  readonly retentionMs: number;
  /** Also expose Node's process metrics (CPU, memory, event loop lag); default true. */
  readonly processMetrics?: boolean;
}

const PREFIX = 'activity_history_';
/** Seconds: from a fast query to a slow batch. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Metrics for a long-running process: every sample goes to an in-process store that answers
 * core's `MetricsReader` (what `/health` and the diagnosis judge, over a recent window, exactly as
 * in local mode) and to a Prometheus registry that mirrors it as counters, a duration histogram and
 * gauges, for `/metrics`. The names carry the prefix `activity_history_`; labels are the stage, the
 * outcome and the reason, never a user, so the number of series stays fixed.
 *
 * @example
 * ```ts
 * const metrics = createPrometheusMetrics({ clock: systemClock, retentionMs: 15 * 60_000 });
 * metrics.record({ kind: 'accepted', count: 3 });
 * await metrics.exposition(); // '... activity_history_accepted_events_total 3 ...'
 * ```
 */
export const createPrometheusMetrics = (options: PrometheusMetricsOptions): PrometheusMetrics => {
  const memory = createMemoryMetrics({ clock: options.clock, retentionMs: options.retentionMs });
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];

  const invocations = new Counter({
    name: `${PREFIX}invocations_total`,
    help: 'Invocations of each function, by how they ended',
    labelNames: ['stage', 'outcome'],
    registers,
  });
  const durations = new Histogram({
    name: `${PREFIX}invocation_duration_seconds`,
    help: 'How long each invocation of a function took',
    labelNames: ['stage'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const accepted = new Counter({
    name: `${PREFIX}accepted_events_total`,
    help: 'Events ingest wrote to the stream',
    registers,
  });
  const stored = new Counter({
    name: `${PREFIX}stored_events_total`,
    help: 'Events the processor stored for the first time',
    registers,
  });
  const duplicates = new Counter({
    name: `${PREFIX}duplicate_events_total`,
    help: 'Events the processor found stored before (redeliveries, resends)',
    registers,
  });
  const rejected = new Counter({
    name: `${PREFIX}rejected_total`,
    help: 'Events or records rejected, by stage and quarantine reason',
    labelNames: ['stage', 'reason'],
    registers,
  });
  const streamWriteFailures = new Counter({
    name: `${PREFIX}stream_write_failures_total`,
    help: 'Records the stream refused; final="true" after the retries ran out',
    labelNames: ['final'],
    registers,
  });
  const storeFailures = new Counter({
    name: `${PREFIX}store_failures_total`,
    help: 'Store requests that were throttled, unavailable or failed',
    labelNames: ['failure'],
    registers,
  });
  const retried = new Counter({
    name: `${PREFIX}retried_records_total`,
    help: 'Records handed back to the stream for redelivery',
    registers,
  });
  const deadLettered = new Counter({
    name: `${PREFIX}dead_lettered_records_total`,
    help: 'Records sent to the dead-letter destination after retries ran out',
    registers,
  });
  const lag = new Gauge({
    name: `${PREFIX}stream_lag_seconds`,
    help: 'Age of the oldest record of the latest processed batch',
    registers,
  });
  const pending = new Gauge({
    name: `${PREFIX}pending_records`,
    help: 'Records read from the stream and not yet processed',
    registers,
  });
  const deadLetterDepth = new Gauge({
    name: `${PREFIX}dead_letter_depth`,
    help: 'Records the dead-letter destination holds',
    registers,
  });

  const mirror = (sample: MetricSample): void => {
    switch (sample.kind) {
      case 'invocation':
        invocations.inc({ stage: sample.stage, outcome: sample.outcome });
        durations.observe({ stage: sample.stage }, sample.durationMs / 1000);
        return;
      case 'accepted':
        accepted.inc(sample.count);
        return;
      case 'stored':
        stored.inc(sample.count);
        return;
      case 'duplicates':
        duplicates.inc(sample.count);
        return;
      case 'rejected':
        rejected.inc({ stage: sample.stage, reason: sample.reason }, sample.count);
        return;
      case 'streamWriteFailures':
        streamWriteFailures.inc({ final: String(sample.final) }, sample.count);
        return;
      case 'storeFailures':
        storeFailures.inc({ failure: sample.failure }, sample.count);
        return;
      case 'retriedRecords':
        retried.inc(sample.count);
        return;
      case 'streamLag':
        lag.set(sample.ms / 1000);
        return;
      case 'pendingRecords':
        pending.set(sample.count);
        return;
      case 'deadLettered':
        deadLettered.inc(sample.count);
        return;
      default:
        assertNever(sample);
    }
  };

  return {
    record(sample) {
      memory.record(sample);
      mirror(sample);
    },
    flush: () => memory.flush(),
    read: (windowMs) => memory.read(windowMs),
    setDeadLetterDepth(depth) {
      memory.setDeadLetterDepth(depth);
      if (depth !== null) deadLetterDepth.set(depth);
    },
    exposition: () => registry.metrics(),
    contentType: registry.contentType,
  };
};
