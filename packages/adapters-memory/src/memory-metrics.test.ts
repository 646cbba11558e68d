import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { createMemoryMetrics } from './memory-metrics.js';

const START = Date.UTC(2026, 0, 1);

const setup = (retentionMs = 600_000) => {
  const clock = createManualClock(START);
  return { clock, metrics: createMemoryMetrics({ clock, retentionMs }) };
};

describe('createMemoryMetrics read', () => {
  it('reports zeros and nulls over a quiet window', async () => {
    const { metrics } = setup();

    const figures = await metrics.read(60_000);

    expect(figures.window).toEqual({ from: START - 60_000, to: START });
    expect(figures.stages.process).toEqual({ invocations: 0, errors: 0, p50Ms: null, p95Ms: null });
    expect(figures.stream).toEqual({
      maxLagMs: null,
      latestLagMs: null,
      pendingRecords: null,
      retriedRecords: 0,
    });
    expect(figures.rejections).toEqual({ invalid_event: 0, conflict: 0, malformed_record: 0, unstorable: 0 });
    expect(figures.deadLetters).toEqual({ inWindow: 0, depth: null });
  });

  it('counts invocations and errors per stage and takes nearest-rank p50/p95 of durations', async () => {
    const { metrics } = setup();
    for (let ms = 1; ms <= 100; ms++) {
      metrics.record({
        kind: 'invocation',
        stage: 'query',
        outcome: ms % 10 === 0 ? 'error' : 'ok',
        durationMs: ms,
      });
    }
    metrics.record({ kind: 'invocation', stage: 'ingest', outcome: 'ok', durationMs: 7 });

    const figures = await metrics.read(60_000);

    expect(figures.stages.query).toEqual({ invocations: 100, errors: 10, p50Ms: 50, p95Ms: 95 });
    expect(figures.stages.ingest).toEqual({ invocations: 1, errors: 0, p50Ms: 7, p95Ms: 7 });
    expect(figures.stages.process.invocations).toBe(0);
  });

  it('sums counts by kind, keeps the latest and largest lag, and the latest pending count', async () => {
    const { clock, metrics } = setup();
    metrics.record({ kind: 'accepted', count: 5 });
    metrics.record({ kind: 'accepted', count: 2 });
    metrics.record({ kind: 'streamWriteFailures', final: false, count: 3 });
    metrics.record({ kind: 'streamWriteFailures', final: true, count: 1 });
    metrics.record({ kind: 'stored', count: 4 });
    metrics.record({ kind: 'duplicates', count: 2 });
    metrics.record({ kind: 'storeFailures', failure: 'throttled', count: 1 });
    metrics.record({ kind: 'storeFailures', failure: 'throttled', count: 1 });
    metrics.record({ kind: 'storeFailures', failure: 'failed', count: 1 });
    metrics.record({ kind: 'retriedRecords', count: 6 });
    metrics.record({ kind: 'streamLag', ms: 9_000 });
    clock.advance(1_000);
    metrics.record({ kind: 'streamLag', ms: 2_000 });
    metrics.record({ kind: 'pendingRecords', count: 40 });
    metrics.record({ kind: 'pendingRecords', count: 12 });
    metrics.record({ kind: 'deadLettered', count: 3 });
    metrics.record({ kind: 'rejected', stage: 'process', reason: 'conflict', count: 2 });
    metrics.record({ kind: 'rejected', stage: 'process', reason: 'malformed_record', count: 1 });
    metrics.record({ kind: 'rejected', stage: 'ingest', reason: 'invalid_event', count: 9 });
    metrics.setDeadLetterDepth(3);

    const figures = await metrics.read(60_000);

    expect(figures.ingest).toEqual({ accepted: 7, streamWriteFailures: 1, streamWriteRetries: 3 });
    expect(figures.process).toEqual({ stored: 4, duplicates: 2 });
    expect(figures.store).toEqual({ throttled: 2, unavailable: 0, failed: 1 });
    expect(figures.stream).toEqual({
      maxLagMs: 9_000,
      latestLagMs: 2_000,
      pendingRecords: 12,
      retriedRecords: 6,
    });
    // Ingest rejections answer the client at once; the figures count what the processor set aside.
    expect(figures.rejections).toEqual({ invalid_event: 0, conflict: 2, malformed_record: 1, unstorable: 0 });
    expect(figures.deadLetters).toEqual({ inWindow: 3, depth: 3 });
  });

  it('covers only the window asked for', async () => {
    const { clock, metrics } = setup();
    metrics.record({ kind: 'stored', count: 1 });
    clock.advance(30_000);
    metrics.record({ kind: 'stored', count: 10 });
    clock.advance(30_001);

    expect((await metrics.read(60_000)).process.stored).toBe(10);
    expect((await metrics.read(120_000)).process.stored).toBe(11);
  });

  it('drops samples older than the retention', async () => {
    const { clock, metrics } = setup(10_000);
    metrics.record({ kind: 'stored', count: 1 });
    clock.advance(10_001);
    metrics.record({ kind: 'stored', count: 2 });

    expect(metrics.samples()).toHaveLength(1);
    expect((await metrics.read(60_000)).process.stored).toBe(2);
  });
});

describe('createMemoryMetrics series', () => {
  it('splits the window into aligned steps, oldest first, the last one holding now', () => {
    const { clock, metrics } = setup();
    clock.advance(25_000);

    const series = metrics.series({ windowMs: 60_000, stepMs: 10_000 });

    expect(series.points.map((p) => p.start - START)).toEqual([-30_000, -20_000, -10_000, 0, 10_000, 20_000]);
    expect(series.points[5]?.ingest).toEqual({ invocations: 0, errors: 0, p95Ms: null });
  });

  it('puts each sample in its step: invocations, errors, p95, lag, rejections, store failures, dead letters', () => {
    const { clock, metrics } = setup();
    metrics.record({ kind: 'invocation', stage: 'process', outcome: 'ok', durationMs: 10 });
    metrics.record({ kind: 'invocation', stage: 'process', outcome: 'error', durationMs: 30 });
    metrics.record({ kind: 'streamLag', ms: 500 });
    metrics.record({ kind: 'streamLag', ms: 1500 });
    clock.advance(10_000);
    metrics.record({ kind: 'rejected', stage: 'ingest', reason: 'invalid_event', count: 2 });
    metrics.record({ kind: 'storeFailures', failure: 'unavailable', count: 1 });
    metrics.record({ kind: 'storeFailures', failure: 'throttled', count: 2 });
    metrics.record({ kind: 'deadLettered', count: 4 });

    const [older, latest] = metrics.series({ windowMs: 20_000, stepMs: 10_000 }).points;

    expect(older).toMatchObject({
      start: START,
      process: { invocations: 2, errors: 1, p95Ms: 30 },
      lagMs: 1500,
      storeFailures: 0,
    });
    expect(latest).toMatchObject({
      start: START + 10_000,
      process: { invocations: 0, errors: 0, p95Ms: null },
      lagMs: null,
      rejections: { invalid_event: 2, conflict: 0, malformed_record: 0, unstorable: 0 },
      storeFailures: 3,
      deadLettered: 4,
    });
  });
});
