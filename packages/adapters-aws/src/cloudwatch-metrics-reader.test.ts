import { MetricsReadError, QUARANTINE_REASONS, STAGES } from '@activity-history/core';
import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { createCloudWatchClient } from './aws-clients.js';
import {
  createCloudWatchMetricsReader,
  figureQueries,
  pipelineFiguresOf,
} from './cloudwatch-metrics-reader.js';

const WINDOW = { from: Date.UTC(2026, 2, 1, 12), to: Date.UTC(2026, 2, 1, 12, 5) };
const at = (minute: number) => new Date(WINDOW.from + minute * 60_000);

describe('figureQueries', () => {
  const queries = figureQueries('ActivityHistory', 5 * 60_000, { deadLetterQueueName: 'activity-dlq' });
  const metricNames = (namespace: string) =>
    new Set(
      queries
        .filter((q) => q.query.MetricStat?.Metric?.Namespace === namespace)
        .map((q) => q.query.MetricStat?.Metric?.MetricName),
    );

  it('asks for the metrics of docs/metrics.md in the namespace, with unique ids GetMetricData accepts', () => {
    expect(metricNames('ActivityHistory')).toEqual(
      new Set([
        'Invocations',
        'Errors',
        'Duration',
        'AcceptedEvents',
        'StoredEvents',
        'DuplicateEvents',
        'Rejections',
        'StreamWriteRetries',
        'StreamWriteFailures',
        'StoreThrottled',
        'StoreUnavailable',
        'StoreFailed',
        'RetriedRecords',
        'StreamLag',
        'PendingRecords',
        'DeadLettered',
      ]),
    );
    const ids = queries.map((q) => q.query.Id ?? '');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    expect(queries.length).toBeLessThanOrEqual(500);
  });

  it('filters by Stage (and Reason for rejections) only, with periods in whole minutes covering the window', () => {
    for (const { query } of queries.filter(
      (q) => q.query.MetricStat?.Metric?.Namespace === 'ActivityHistory',
    )) {
      const names = (query.MetricStat?.Metric?.Dimensions ?? []).map((d) => d.Name);
      expect(names).toEqual(
        query.MetricStat?.Metric?.MetricName === 'Rejections' ? ['Stage', 'Reason'] : ['Stage'],
      );
      expect((query.MetricStat?.Period ?? 0) % 60).toBe(0);
    }
    const invocations = queries.find((q) => q.query.Id === 'invocations_process')!;
    expect(invocations.query.MetricStat?.Period).toBe(300);
    expect(
      figureQueries('ActivityHistory', 61_000).find((q) => q.query.Id === 'accepted')?.query.MetricStat
        ?.Period,
    ).toBe(120);
  });

  it("reads the dead-letter queue's depth only when a queue is named", () => {
    expect(metricNames('AWS/SQS')).toEqual(new Set(['ApproximateNumberOfMessagesVisible']));
    expect(figureQueries('ActivityHistory', 60_000).some((q) => q.query.Id === 'dlq_depth')).toBe(false);
  });
});

describe('pipelineFiguresOf', () => {
  const queries = figureQueries('ActivityHistory', 5 * 60_000, { deadLetterQueueName: 'activity-dlq' });
  const result = (
    Id: string,
    Values: number[],
    minutes: number[] = Values.map((_, i) => i),
  ): MetricDataResult => ({
    Id,
    Values,
    Timestamps: minutes.map(at),
  });

  it('gives zeros and nulls when CloudWatch has no data', () => {
    const figures = pipelineFiguresOf(queries, [], WINDOW);

    expect(figures.window).toEqual(WINDOW);
    for (const stage of STAGES) {
      expect(figures.stages[stage]).toEqual({ invocations: 0, errors: 0, p50Ms: null, p95Ms: null });
    }
    expect(figures.stream).toEqual({
      maxLagMs: null,
      latestLagMs: null,
      pendingRecords: null,
      retriedRecords: 0,
    });
    expect(figures.deadLetters).toEqual({ inWindow: 0, depth: null });
    expect(Object.keys(figures.rejections).sort()).toEqual([...QUARANTINE_REASONS].sort());
  });

  it('sums counts, keeps the highest percentile and lag, takes the newest level, and adds rejections of both stages', () => {
    const figures = pipelineFiguresOf(
      queries,
      [
        result('invocations_process', [10, 5]),
        result('errors_process', [1, 2]),
        result('p50_process', [40, 45]),
        result('p95_process', [200, 250]),
        result('invocations_query', [3]),
        result('p95_query', [12]),
        result('accepted', [500]),
        result('stream_write_failures', [2]),
        result('stream_write_retries', [7, 1]),
        result('stored', [480]),
        result('duplicates', [20]),
        result('retried_records', [4]),
        result('store_throttled', [3]),
        result('store_unavailable', [1]),
        result('lag_max', [9_000, 1_200]),
        // Datapoints arrive newest first: the newest (minute 4) is the latest lag.
        result('lag_latest', [800, 9_000, 1_200], [4, 1, 2]),
        result('pending_latest', [12, 30], [3, 1]),
        result('rejections_ingest_invalid_event', [5]),
        result('rejections_process_invalid_event', [2]),
        result('rejections_process_conflict', [1]),
        result('dead_lettered', [1]),
        result('dlq_depth', [6, 4], [2, 3]),
      ],
      WINDOW,
    );

    expect(figures.stages.process).toEqual({ invocations: 15, errors: 3, p50Ms: 45, p95Ms: 250 });
    expect(figures.stages.query).toEqual({ invocations: 3, errors: 0, p50Ms: null, p95Ms: 12 });
    expect(figures.stages.ingest.p95Ms).toBeNull();
    expect(figures.ingest).toEqual({ accepted: 500, streamWriteFailures: 2, streamWriteRetries: 8 });
    expect(figures.stream).toEqual({
      maxLagMs: 9_000,
      latestLagMs: 800,
      pendingRecords: 12,
      retriedRecords: 4,
    });
    expect(figures.process).toEqual({ stored: 480, duplicates: 20 });
    expect(figures.store).toEqual({ throttled: 3, unavailable: 1, failed: 0 });
    expect(figures.rejections).toEqual({ invalid_event: 7, conflict: 1, malformed_record: 0, unstorable: 0 });
    expect(figures.deadLetters).toEqual({ inWindow: 1, depth: 4 });
  });
});

describe('createCloudWatchMetricsReader', () => {
  it('throws MetricsReadError when CloudWatch does not answer', async () => {
    // Nothing listens on port 9 of 127.0.0.1: the real SDK call fails at once.
    const client = createCloudWatchClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const reader = createCloudWatchMetricsReader({ client, namespace: 'ActivityHistory' });
    try {
      await expect(reader.read(60_000)).rejects.toBeInstanceOf(MetricsReadError);
    } finally {
      client.destroy();
    }
  });
});
