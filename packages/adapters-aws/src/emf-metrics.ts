import type { MetricSample, MetricsRecorder } from '@activity-history/core';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Options of {@link createEmfMetrics}. */
export interface EmfMetricsOptions {
  /** The CloudWatch namespace, `ActivityHistory` unless configured otherwise (docs/metrics.md). */
  readonly namespace: string;
  /** The function's name in logs (EMF metadata `service`); never a dimension. */
  readonly serviceName: string;
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One data point as docs/metrics.md names it. */
export interface EmfDataPoint {
  readonly name: string;
  readonly unit: Unit;
  readonly value: number;
  /** `Stage`, plus `Reason` for rejections: never a user. */
  readonly dimensions: Readonly<Record<string, string>>;
}

const STORE_FAILURE_METRICS = {
  throttled: 'StoreThrottled',
  unavailable: 'StoreUnavailable',
  failed: 'StoreFailed',
} as const;

/**
 * The data points of one core sample, with the names, units and dimensions of docs/metrics.md
 * (the CDK dashboard and alarms and the CloudWatch reader use exactly these).
 *
 * @example
 * ```ts
 * emfDataPoints({ kind: 'rejected', stage: 'process', reason: 'conflict', count: 2 });
 * // [{ name: 'Rejections', unit: 'Count', value: 2, dimensions: { Stage: 'process', Reason: 'conflict' } }]
 * ```
 */
export const emfDataPoints = (sample: MetricSample): EmfDataPoint[] => {
  const count = (name: string, value: number, Stage: string): EmfDataPoint => ({
    name,
    unit: MetricUnit.Count,
    value,
    dimensions: { Stage },
  });
  switch (sample.kind) {
    case 'invocation':
      return [
        count('Invocations', 1, sample.stage),
        // Errors is written as 0 on success too, so that its average is the error rate.
        count('Errors', sample.outcome === 'error' ? 1 : 0, sample.stage),
        {
          name: 'Duration',
          unit: MetricUnit.Milliseconds,
          value: sample.durationMs,
          dimensions: { Stage: sample.stage },
        },
      ];
    case 'accepted':
      return [count('AcceptedEvents', sample.count, 'ingest')];
    case 'stored':
      return [count('StoredEvents', sample.count, 'process')];
    case 'duplicates':
      return [count('DuplicateEvents', sample.count, 'process')];
    case 'rejected':
      return [
        {
          name: 'Rejections',
          unit: MetricUnit.Count,
          value: sample.count,
          dimensions: { Stage: sample.stage, Reason: sample.reason },
        },
      ];
    case 'streamWriteFailures':
      return [count(sample.final ? 'StreamWriteFailures' : 'StreamWriteRetries', sample.count, 'ingest')];
    case 'storeFailures':
      return [count(STORE_FAILURE_METRICS[sample.failure], sample.count, 'process')];
    case 'retriedRecords':
      return [count('RetriedRecords', sample.count, 'process')];
    case 'streamLag':
      return [
        {
          name: 'StreamLag',
          unit: MetricUnit.Milliseconds,
          value: sample.ms,
          dimensions: { Stage: 'process' },
        },
      ];
    case 'pendingRecords':
      return [count('PendingRecords', sample.count, 'process')];
    case 'deadLettered':
      return [count('DeadLettered', sample.count, 'process')];
  }
};

// Values of these metrics are distributions or levels: each one is kept. Every other metric is a
// count of things, summed per flush into one value.
const KEEP_EACH_VALUE = new Set(['Duration', 'StreamLag', 'PendingRecords']);

interface Group {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: Map<string, { readonly unit: Unit; readonly values: number[] }>;
}

/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout, written by Powertools for AWS
 * Lambda: `record` buffers (and never throws), `flush` writes one EMF object per dimension set
 * (`Stage`, or `Stage` and `Reason`). Powertools' default `service` dimension is removed: the
 * dimensions are exactly those of docs/metrics.md, so the number of metric series stays fixed.
 *
 * @example
 * ```ts
 * const metrics = createEmfMetrics({ namespace: 'ActivityHistory', serviceName: 'process' });
 * metrics.record({ kind: 'stored', count: 12 });
 * await metrics.flush(); // {"_aws":{"CloudWatchMetrics":[{"Namespace":"ActivityHistory","Dimensions":[["Stage"]],...
 * ```
 */
export const createEmfMetrics = (options: EmfMetricsOptions): MetricsRecorder => {
  const emitter = new Metrics({ namespace: options.namespace, serviceName: options.serviceName });
  emitter.clearDefaultDimensions();
  let groups = new Map<string, Group>();

  return {
    record(sample) {
      for (const point of emfDataPoints(sample)) {
        const key = JSON.stringify(point.dimensions);
        const group = groups.get(key) ?? { dimensions: point.dimensions, metrics: new Map() };
        groups.set(key, group);
        const metric = group.metrics.get(point.name) ?? { unit: point.unit, values: [] };
        group.metrics.set(point.name, metric);
        if (KEEP_EACH_VALUE.has(point.name) || metric.values.length === 0) metric.values.push(point.value);
        else metric.values[0]! += point.value;
      }
    },
    async flush() {
      const pending = groups;
      groups = new Map();
      for (const group of pending.values()) {
        emitter.addDimensions({ ...group.dimensions });
        emitter.addMetadata('service', options.serviceName);
        for (const [name, metric] of group.metrics) {
          for (const value of metric.values) emitter.addMetric(name, metric.unit, value);
        }
        emitter.publishStoredMetrics();
      }
    },
  };
};
