import {
  type Clock,
  MetricsReadError,
  type MetricsReader,
  type PipelineFigures,
  QUARANTINE_REASONS,
  type QuarantineReason,
  STAGES,
  type Stage,
  type StageFigures,
  systemClock,
} from '@activity-history/core';
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { describeSdkError } from './sdk-failure.js';

/** Options of {@link createCloudWatchMetricsReader}. */
export interface CloudWatchMetricsReaderOptions {
  readonly client: CloudWatchClient;
  /** The namespace the functions write to (docs/metrics.md). */
  readonly namespace: string;
  /** The SQS dead-letter queue of the process function, for its depth; `depth` is `null` without it. */
  readonly deadLetterQueueName?: string;
  readonly clock?: Clock;
}

/** What to combine the datapoints of one query into, over the window. */
type Combine = 'sum' | 'max' | 'latest';

/** One metric query and how its datapoints become one figure. */
export interface FigureQuery {
  readonly query: MetricDataQuery;
  readonly combine: Combine;
}

const PERIOD_STEP_S = 60;

const roundedPeriod = (windowMs: number): number =>
  Math.max(PERIOD_STEP_S, Math.ceil(windowMs / 1000 / PERIOD_STEP_S) * PERIOD_STEP_S);

const stat = (
  id: string,
  namespace: string,
  metric: string,
  dimensions: Readonly<Record<string, string>>,
  statistic: string,
  period: number,
  combine: Combine,
): FigureQuery => ({
  combine,
  query: {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: metric,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Stat: statistic,
      Period: period,
    },
  },
});

/**
 * The GetMetricData queries behind {@link PipelineFigures}, named by docs/metrics.md. Totals and
 * percentiles use one period covering the window; the latest stream lag, pending records and queue
 * depth use one-minute periods, of which the newest counts.
 *
 * @example
 * ```ts
 * const queries = figureQueries('ActivityHistory', 300_000, { deadLetterQueueName: 'activity-dlq' });
 * new GetMetricDataCommand({ MetricDataQueries: queries.map((q) => q.query), StartTime, EndTime });
 * ```
 */
export const figureQueries = (
  namespace: string,
  windowMs: number,
  options: { readonly deadLetterQueueName?: string } = {},
): FigureQuery[] => {
  const period = roundedPeriod(windowMs);
  const sum = (id: string, metric: string, dimensions: Record<string, string>) =>
    stat(id, namespace, metric, dimensions, 'Sum', period, 'sum');
  const process = { Stage: 'process' };
  const ingest = { Stage: 'ingest' };
  const queries: FigureQuery[] = [
    ...STAGES.flatMap((stage) => [
      sum(`invocations_${stage}`, 'Invocations', { Stage: stage }),
      sum(`errors_${stage}`, 'Errors', { Stage: stage }),
      stat(`p50_${stage}`, namespace, 'Duration', { Stage: stage }, 'p50', period, 'max'),
      stat(`p95_${stage}`, namespace, 'Duration', { Stage: stage }, 'p95', period, 'max'),
    ]),
    sum('accepted', 'AcceptedEvents', ingest),
    sum('stream_write_failures', 'StreamWriteFailures', ingest),
    sum('stream_write_retries', 'StreamWriteRetries', ingest),
    sum('stored', 'StoredEvents', process),
    sum('duplicates', 'DuplicateEvents', process),
    sum('retried_records', 'RetriedRecords', process),
    sum('store_throttled', 'StoreThrottled', process),
    sum('store_unavailable', 'StoreUnavailable', process),
    sum('store_failed', 'StoreFailed', process),
    sum('dead_lettered', 'DeadLettered', process),
    stat('lag_max', namespace, 'StreamLag', process, 'Maximum', period, 'max'),
    stat('lag_latest', namespace, 'StreamLag', process, 'Maximum', PERIOD_STEP_S, 'latest'),
    stat('pending_latest', namespace, 'PendingRecords', process, 'Maximum', PERIOD_STEP_S, 'latest'),
    ...(['ingest', 'process'] as const).flatMap((stage) =>
      QUARANTINE_REASONS.map((reason) =>
        sum(`rejections_${stage}_${reason}`, 'Rejections', { Stage: stage, Reason: reason }),
      ),
    ),
  ];
  if (options.deadLetterQueueName !== undefined) {
    queries.push(
      stat(
        'dlq_depth',
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { QueueName: options.deadLetterQueueName },
        'Maximum',
        PERIOD_STEP_S,
        'latest',
      ),
    );
  }
  return queries;
};

/** One figure from a query's datapoints; `null` when there are none. */
const combined = (result: MetricDataResult | undefined, combine: Combine): number | null => {
  const values = result?.Values ?? [];
  if (values.length === 0) return null;
  if (combine === 'sum') return values.reduce((a, b) => a + b, 0);
  if (combine === 'max') return Math.max(...values);
  const timestamps = (result?.Timestamps ?? []).map((t) => t.getTime());
  let newest = 0;
  timestamps.forEach((t, i) => {
    if (t > (timestamps[newest] ?? Number.NEGATIVE_INFINITY)) newest = i;
  });
  return values[newest] ?? null;
};

/**
 * The pipeline's figures from GetMetricData results: sums over the window (0 without data),
 * percentiles as the highest over the window's periods (`null` without invocations), the latest
 * lag, pending records and queue depth (`null` without data).
 *
 * @example
 * ```ts
 * const figures = pipelineFiguresOf(queries, response.MetricDataResults ?? [], { from, to });
 * ```
 */
export const pipelineFiguresOf = (
  queries: readonly FigureQuery[],
  results: readonly MetricDataResult[],
  window: { readonly from: number; readonly to: number },
): PipelineFigures => {
  const byId = new Map(results.map((result) => [result.Id, result] as const));
  const combineOf = new Map(queries.map((q) => [q.query.Id, q.combine] as const));
  const figure = (id: string): number | null => combined(byId.get(id), combineOf.get(id) ?? 'sum');
  const total = (id: string): number => figure(id) ?? 0;
  const stages = Object.fromEntries(
    STAGES.map((stage): [Stage, StageFigures] => {
      const invocations = total(`invocations_${stage}`);
      return [
        stage,
        {
          invocations,
          errors: total(`errors_${stage}`),
          p50Ms: invocations > 0 ? figure(`p50_${stage}`) : null,
          p95Ms: invocations > 0 ? figure(`p95_${stage}`) : null,
        },
      ];
    }),
  ) as Record<Stage, StageFigures>;
  const rejections = Object.fromEntries(
    QUARANTINE_REASONS.map((reason) => [
      reason,
      total(`rejections_ingest_${reason}`) + total(`rejections_process_${reason}`),
    ]),
  ) as Record<QuarantineReason, number>;
  return {
    window: { from: window.from, to: window.to },
    stages,
    ingest: {
      accepted: total('accepted'),
      streamWriteFailures: total('stream_write_failures'),
      streamWriteRetries: total('stream_write_retries'),
    },
    stream: {
      maxLagMs: figure('lag_max'),
      latestLagMs: figure('lag_latest'),
      pendingRecords: figure('pending_latest'),
      retriedRecords: total('retried_records'),
    },
    process: { stored: total('stored'), duplicates: total('duplicates') },
    store: {
      throttled: total('store_throttled'),
      unavailable: total('store_unavailable'),
      failed: total('store_failed'),
    },
    rejections,
    deadLetters: { inWindow: total('dead_lettered'), depth: figure('dlq_depth') },
  };
};

/** Merges the pages of GetMetricData: a query's datapoints may be spread over several pages. */
const mergePages = (pages: readonly (readonly MetricDataResult[])[]): MetricDataResult[] => {
  const merged = new Map<string, { Id: string; Values: number[]; Timestamps: Date[] }>();
  for (const result of pages.flat()) {
    const id = result.Id ?? '';
    const entry = merged.get(id) ?? { Id: id, Values: [], Timestamps: [] };
    entry.Values.push(...(result.Values ?? []));
    entry.Timestamps.push(...(result.Timestamps ?? []));
    merged.set(id, entry);
  }
  return [...merged.values()];
};

/**
 * The pipeline's recent figures read from CloudWatch with GetMetricData (the metrics the functions
 * write as EMF, and the dead-letter queue's depth). A failed read throws {@link MetricsReadError}.
 *
 * @example
 * ```ts
 * const reader = createCloudWatchMetricsReader({ client: createCloudWatchClient(), namespace: 'ActivityHistory' });
 * const figures = await reader.read(300_000);
 * ```
 */
export const createCloudWatchMetricsReader = (options: CloudWatchMetricsReaderOptions): MetricsReader => {
  const clock = options.clock ?? systemClock;
  return {
    async read(windowMs: number): Promise<PipelineFigures> {
      const to = clock.now();
      const from = to - windowMs;
      const queries = figureQueries(
        options.namespace,
        windowMs,
        options.deadLetterQueueName === undefined ? {} : { deadLetterQueueName: options.deadLetterQueueName },
      );
      const pages: MetricDataResult[][] = [];
      let nextToken: string | undefined;
      try {
        do {
          const page = await options.client.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries.map((q) => q.query),
              StartTime: new Date(from),
              EndTime: new Date(to),
              ...(nextToken === undefined ? {} : { NextToken: nextToken }),
            }),
          );
          pages.push(page.MetricDataResults ?? []);
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
      } catch (error) {
        throw new MetricsReadError(
          `GetMetricData in ${options.namespace} failed: ${describeSdkError(error)}`,
          {
            cause: error,
          },
        );
      }
      return pipelineFiguresOf(queries, mergePages(pages), { from, to });
    },
  };
};
