import { createManualClock } from '@activity-history/adapters-memory';
import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from './prometheus-metrics.js';

describe('createPrometheusMetrics', () => {
  it('mirrors every sample in the exposition and answers the reader from the same samples', async () => {
    const clock = createManualClock(Date.UTC(2026, 2, 1, 12));
    const metrics = createPrometheusMetrics({ clock, retentionMs: 60_000, processMetrics: false });

    metrics.record({ kind: 'invocation', stage: 'ingest', outcome: 'ok', durationMs: 40 });
    metrics.record({ kind: 'invocation', stage: 'ingest', outcome: 'error', durationMs: 2_000 });
    metrics.record({ kind: 'accepted', count: 7 });
    metrics.record({ kind: 'stored', count: 5 });
    metrics.record({ kind: 'duplicates', count: 2 });
    metrics.record({ kind: 'rejected', stage: 'process', reason: 'conflict', count: 1 });
    metrics.record({ kind: 'streamWriteFailures', final: true, count: 3 });
    metrics.record({ kind: 'storeFailures', failure: 'throttled', count: 4 });
    metrics.record({ kind: 'retriedRecords', count: 6 });
    metrics.record({ kind: 'streamLag', ms: 1_500 });
    metrics.record({ kind: 'pendingRecords', count: 9 });
    metrics.record({ kind: 'deadLettered', count: 8 });
    metrics.setDeadLetterDepth(8);
    const text = await metrics.exposition();
    const figures = await metrics.read(60_000);

    for (const line of [
      'activity_history_invocations_total{stage="ingest",outcome="ok"} 1',
      'activity_history_invocations_total{stage="ingest",outcome="error"} 1',
      'activity_history_invocation_duration_seconds_bucket{le="0.05",stage="ingest"} 1',
      'activity_history_invocation_duration_seconds_count{stage="ingest"} 2',
      'activity_history_accepted_events_total 7',
      'activity_history_stored_events_total 5',
      'activity_history_duplicate_events_total 2',
      'activity_history_rejected_total{stage="process",reason="conflict"} 1',
      'activity_history_stream_write_failures_total{final="true"} 3',
      'activity_history_store_failures_total{failure="throttled"} 4',
      'activity_history_retried_records_total 6',
      'activity_history_stream_lag_seconds 1.5',
      'activity_history_pending_records 9',
      'activity_history_dead_lettered_records_total 8',
      'activity_history_dead_letter_depth 8',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(metrics.contentType).toContain('text/plain');
    expect(figures.stages.ingest).toMatchObject({ invocations: 2, errors: 1 });
    expect(figures.ingest).toMatchObject({ accepted: 7, streamWriteFailures: 3 });
    expect(figures.process).toEqual({ stored: 5, duplicates: 2 });
    expect(figures.rejections.conflict).toBe(1);
    expect(figures.deadLetters).toEqual({ inWindow: 8, depth: 8 });
  });

  it('exposes Node process metrics unless told not to', async () => {
    const clock = createManualClock(0);

    const withProcess = await createPrometheusMetrics({ clock, retentionMs: 1_000 }).exposition();

    expect(withProcess).toContain('activity_history_process_cpu_seconds_total');
  });
});
