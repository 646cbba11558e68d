import { describe, expect, it } from 'vitest';
import type { PipelineFigures, StageFigures } from './ports/metrics.js';
import {
  type CheckStatus,
  DEFAULT_THRESHOLDS,
  healthReport,
  judgeIngest,
  judgeProcessor,
  judgeQuery,
  judgeStore,
  judgeStream,
  verdictOf,
} from './stage-health.js';

const WINDOW_TO = Date.UTC(2026, 2, 1, 12);

const stage = (patch: Partial<StageFigures> = {}): StageFigures => ({
  invocations: 100,
  errors: 0,
  p50Ms: 20,
  p95Ms: 80,
  ...patch,
});

/** Figures of a quiet, healthy pipeline over the last 60 s; each test changes what it is about. */
const figures = (patch: Partial<PipelineFigures> = {}): PipelineFigures => ({
  window: { from: WINDOW_TO - 60_000, to: WINDOW_TO },
  stages: { ingest: stage(), process: stage(), query: stage(), diagnose: stage() },
  ingest: { accepted: 500, streamWriteFailures: 0, streamWriteRetries: 0 },
  stream: { maxLagMs: 800, latestLagMs: 500, pendingRecords: 0, retriedRecords: 0 },
  process: { stored: 480, duplicates: 20 },
  store: { throttled: 0, unavailable: 0, failed: 0 },
  rejections: { invalid_event: 0, conflict: 0, malformed_record: 0, unstorable: 0 },
  deadLetters: { inWindow: 0, depth: 0 },
  ...patch,
});

const withStage = (name: 'ingest' | 'process' | 'query', patch: Partial<StageFigures>): PipelineFigures => {
  const base = figures();
  return figures({ stages: { ...base.stages, [name]: stage(patch) } });
};

describe('a function stage (ingest, process, query)', () => {
  it.each<[string, Partial<StageFigures>, CheckStatus]>([
    ['no errors, p95 within 1 s', {}, 'ok'],
    ['no invocations', { invocations: 0, p50Ms: null, p95Ms: null }, 'ok'],
    ['p95 at exactly 1 s', { p95Ms: 1_000 }, 'ok'],
    ['p95 just over 1 s', { p95Ms: 1_001 }, 'warn'],
    ['1 error in 100 invocations', { errors: 1 }, 'warn'],
    ['5% errors, at the threshold', { errors: 5 }, 'warn'],
    ['6% errors, over the threshold', { errors: 6 }, 'fail'],
    ['errors without counted invocations', { invocations: 0, errors: 1 }, 'fail'],
  ])('with %s is %s', (_, patch, expected) => {
    // Act
    const statuses = [
      judgeIngest(withStage('ingest', patch), DEFAULT_THRESHOLDS).status,
      judgeProcessor(withStage('process', patch), DEFAULT_THRESHOLDS).status,
      judgeQuery(withStage('query', patch), DEFAULT_THRESHOLDS).status,
    ];

    // Assert
    expect(statuses).toEqual([expected, expected, expected]);
  });

  it('follows the thresholds it is given', () => {
    // Arrange
    const strict = { ...DEFAULT_THRESHOLDS, slowP95Ms: 50 };

    // Act
    const judgement = judgeQuery(figures(), strict);

    // Assert
    expect(judgement.status).toBe('warn');
  });

  it('summarizes invocations, errors and percentiles over the window', () => {
    // Act
    const judgement = judgeQuery(
      withStage('query', { errors: 2, p50Ms: 12, p95Ms: 340 }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(judgement.summary).toBe('query: 100 invocations, 2 errors, p50 12 ms, p95 340 ms (last 60 s)');
    expect(judgement.data).toEqual({ invocations: 100, errors: 2, p50Ms: 12, p95Ms: 340 });
  });
});

describe('judgeIngest', () => {
  it.each<[string, number, number, CheckStatus]>([
    ['no stream refusals', 0, 0, 'ok'],
    ['stream writes retried', 0, 3, 'warn'],
    ['events refused by the stream after retries', 2, 3, 'fail'],
  ])('with %s is %s', (_, streamWriteFailures, streamWriteRetries, expected) => {
    // Act
    const judgement = judgeIngest(
      figures({ ingest: { accepted: 10, streamWriteFailures, streamWriteRetries } }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(judgement.status).toBe(expected);
    expect(judgement.data).toMatchObject({ accepted: 10, streamWriteFailures, streamWriteRetries });
  });

  it('says how many events the stream refused', () => {
    // Act
    const judgement = judgeIngest(
      figures({ ingest: { accepted: 10, streamWriteFailures: 2, streamWriteRetries: 3 } }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(judgement.summary).toContain('10 events accepted');
    expect(judgement.summary).toContain('2 events refused by the stream after retries');
    expect(judgement.summary).toContain('3 stream writes retried');
  });
});

describe('judgeStream', () => {
  it.each<[string, number | null, CheckStatus]>([
    ['no batch processed', null, 'ok'],
    ['a lag of exactly 10 s', 10_000, 'ok'],
    ['a lag just over 10 s', 10_001, 'warn'],
    ['a lag of exactly 60 s', 60_000, 'warn'],
    ['a lag just over 60 s', 60_001, 'fail'],
  ])('with %s is %s', (_, latestLagMs, expected) => {
    // Act
    const judgement = judgeStream(
      figures({ stream: { latestLagMs, maxLagMs: latestLagMs, pendingRecords: 7, retriedRecords: 0 } }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(judgement.status).toBe(expected);
  });

  it('describes lag, pending records and redeliveries', () => {
    // Act
    const judgement = judgeStream(
      figures({ stream: { latestLagMs: 12_400, maxLagMs: 30_000, pendingRecords: 42, retriedRecords: 5 } }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(judgement.summary).toBe(
      'lag 12 s (max 30 s); 42 records pending; 5 records handed back for redelivery (last 60 s)',
    );
  });

  it('says when nothing was processed', () => {
    // Act
    const judgement = judgeStream(
      figures({ stream: { latestLagMs: null, maxLagMs: null, pendingRecords: null, retriedRecords: 0 } }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(judgement.summary).toBe('no batch processed (last 60 s)');
  });
});

describe('judgeProcessor', () => {
  const withRejections = (
    rejected: number,
    stored: number,
    deadLetters: PipelineFigures['deadLetters'] = { inWindow: 0, depth: 0 },
  ) =>
    figures({
      process: { stored, duplicates: 0 },
      rejections: { invalid_event: rejected, conflict: 0, malformed_record: 0, unstorable: 0 },
      deadLetters,
    });

  it.each<[string, number, number, CheckStatus]>([
    ['nothing seen', 0, 0, 'ok'],
    ['10% quarantined, at the threshold', 10, 90, 'ok'],
    ['11% quarantined', 11, 89, 'warn'],
    ['50% quarantined', 50, 50, 'warn'],
    ['51% quarantined', 51, 49, 'fail'],
    ['all of 9 records quarantined: too few to fail', 9, 0, 'warn'],
    ['all of 10 records quarantined', 10, 0, 'fail'],
  ])('with %s is %s', (_, rejected, stored, expected) => {
    // Act
    const judgement = judgeProcessor(withRejections(rejected, stored), DEFAULT_THRESHOLDS);

    // Assert
    expect(judgement.status).toBe(expected);
  });

  it('counts duplicates as seen and every reason as rejected', () => {
    // Arrange
    const input = figures({
      process: { stored: 30, duplicates: 50 },
      rejections: { invalid_event: 10, conflict: 5, malformed_record: 5, unstorable: 0 },
    });

    // Act
    const judgement = judgeProcessor(input, DEFAULT_THRESHOLDS);

    // Assert
    expect(judgement.status).toBe('warn');
    expect(judgement.data.rejectionShare).toBe(0.2);
    expect(judgement.data.rejections).toEqual({
      invalid_event: 10,
      conflict: 5,
      malformed_record: 5,
      unstorable: 0,
    });
    expect(judgement.summary).toContain('30 stored, 50 duplicates, 20 quarantined (20%)');
  });

  it.each([
    ['records dead-lettered in the window', { inWindow: 1, depth: null }],
    ['records waiting in the dead-letter store', { inWindow: 0, depth: 3 }],
  ])('warns about %s', (_, deadLetters) => {
    // Act
    const judgement = judgeProcessor(withRejections(0, 100, deadLetters), DEFAULT_THRESHOLDS);

    // Assert
    expect(judgement.status).toBe('warn');
  });

  it('names the dead-letter depth in its summary', () => {
    // Act
    const judgement = judgeProcessor(withRejections(0, 100, { inWindow: 0, depth: 3 }), DEFAULT_THRESHOLDS);

    // Assert
    expect(judgement.summary).toContain('3 records in the dead-letter store');
  });
});

describe('judgeStore', () => {
  it.each<[string, PipelineFigures['store'], CheckStatus]>([
    ['no failed requests', { throttled: 0, unavailable: 0, failed: 0 }, 'ok'],
    ['one throttled request', { throttled: 1, unavailable: 0, failed: 0 }, 'fail'],
    ['one unavailable answer', { throttled: 0, unavailable: 1, failed: 0 }, 'fail'],
    ['one failed request', { throttled: 0, unavailable: 0, failed: 1 }, 'fail'],
  ])('with %s is %s', (_, store, expected) => {
    // Act
    const judgement = judgeStore(figures({ store }));

    // Assert
    expect(judgement.status).toBe(expected);
    expect(judgement.data).toEqual(store);
  });

  it('says how store requests failed', () => {
    // Act
    const judgement = judgeStore(figures({ store: { throttled: 4, unavailable: 0, failed: 1 } }));

    // Assert
    expect(judgement.summary).toBe(
      'store requests failing: 4 throttled, 0 unavailable, 1 failed (last 60 s)',
    );
  });
});

describe('verdictOf', () => {
  it.each<[CheckStatus[], string]>([
    [[], 'healthy'],
    [['ok', 'ok'], 'healthy'],
    [['ok', 'warn'], 'degraded'],
    [['warn', 'fail', 'ok'], 'failing'],
  ])('gives %j the verdict %s', (statuses, expected) => {
    // Act
    const verdict = verdictOf(statuses);

    // Assert
    expect(verdict).toBe(expected);
  });
});

describe('healthReport', () => {
  it('is healthy when every stage is ok, with the window in RFC 3339', () => {
    // Act
    const report = healthReport(figures(), DEFAULT_THRESHOLDS);

    // Assert
    expect(report.status).toBe('healthy');
    expect(report.window).toEqual({ from: '2026-03-01T11:59:00.000Z', to: '2026-03-01T12:00:00.000Z' });
    expect(Object.keys(report.stages)).toEqual(['ingest', 'stream', 'process', 'store', 'query']);
    expect(Object.values(report.stages).map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(report.figures).toEqual(figures());
  });

  it('is degraded when a stage warns', () => {
    // Act
    const report = healthReport(withStage('query', { p95Ms: 2_000 }), DEFAULT_THRESHOLDS);

    // Assert
    expect(report.status).toBe('degraded');
    expect(report.stages.query.status).toBe('warn');
  });

  it('is failing when a stage fails, naming it', () => {
    // Act
    const report = healthReport(
      figures({
        store: { throttled: 12, unavailable: 0, failed: 0 },
        stream: { latestLagMs: 20_000, maxLagMs: 20_000, pendingRecords: 3, retriedRecords: 0 },
      }),
      DEFAULT_THRESHOLDS,
    );

    // Assert
    expect(report.status).toBe('failing');
    expect(report.stages.store.status).toBe('fail');
    expect(report.stages.stream.status).toBe('warn');
  });
});
