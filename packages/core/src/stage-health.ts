import { formatInstant } from './activity-history.js';
import type { PipelineFigures, StageFigures } from './ports/metrics.js';
import type { QuarantineReason } from './quarantine.js';

/** How a check or a stage is doing. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/**
 * One stage judged from the pipeline's figures, with the figures the judgement rests on as `data`.
 * Every `data` is plain JSON (numbers, strings, `null`, objects): it is its own wire form.
 */
export interface StageJudgement<Data> {
  readonly status: CheckStatus;
  readonly summary: string;
  readonly data: Data;
}

/** The figures behind the ingest judgement: the function's, and the stream's answers to its writes. */
export interface IngestStageData extends StageFigures {
  readonly accepted: number;
  readonly streamWriteFailures: number;
  readonly streamWriteRetries: number;
}

/** The figures behind the stream judgement; the lags are `null` when no batch was processed. */
export interface StreamStageData {
  readonly latestLagMs: number | null;
  readonly maxLagMs: number | null;
  readonly pendingRecords: number | null;
  readonly retriedRecords: number;
}

/** The figures behind the processor judgement: the function's, what it stored and what it set aside. */
export interface ProcessorStageData extends StageFigures {
  readonly stored: number;
  readonly duplicates: number;
  readonly rejections: Readonly<Record<QuarantineReason, number>>;
  /** Quarantined records over all records seen, 0 to 1. */
  readonly rejectionShare: number;
  readonly deadLetters: { readonly inWindow: number; readonly depth: number | null };
}

/** The store requests that failed, as the store's callers saw them. */
export interface StoreStageData {
  readonly throttled: number;
  readonly unavailable: number;
  readonly failed: number;
}

/**
 * The thresholds that turn figures into verdicts. They are deliberately simple and documented, so
 * an operator can tell why a stage is flagged.
 */
export interface HealthThresholds {
  /** Share of failed invocations above which a stage fails (below it, any error warns). */
  readonly errorRateFail: number;
  /** p95 duration above which a stage warns, milliseconds. */
  readonly slowP95Ms: number;
  /** Stream lag above which the stream warns / fails, milliseconds. */
  readonly lagWarnMs: number;
  readonly lagFailMs: number;
  /** Share of processed records quarantined above which the processor warns / fails. */
  readonly rejectionShareWarn: number;
  readonly rejectionShareFail: number;
}

/** The defaults, documented in the README. */
export const DEFAULT_THRESHOLDS: HealthThresholds = {
  errorRateFail: 0.05,
  slowP95Ms: 1_000,
  lagWarnMs: 10_000,
  lagFailMs: 60_000,
  rejectionShareWarn: 0.1,
  rejectionShareFail: 0.5,
};

const worst = (...statuses: CheckStatus[]): CheckStatus =>
  statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'ok';

const functionStatus = (figures: StageFigures, t: HealthThresholds): CheckStatus => {
  if (figures.errors > 0 && figures.errors / Math.max(1, figures.invocations) > t.errorRateFail)
    return 'fail';
  if (figures.errors > 0 || (figures.p95Ms ?? 0) > t.slowP95Ms) return 'warn';
  return 'ok';
};

const describeFunction = (name: string, f: StageFigures): string =>
  f.invocations === 0
    ? `${name}: no invocations`
    : `${name}: ${f.invocations} invocations, ${f.errors} errors, p50 ${f.p50Ms ?? '-'} ms, p95 ${f.p95Ms ?? '-'} ms`;

const seconds = (figures: PipelineFigures) => Math.round((figures.window.to - figures.window.from) / 1000);

/**
 * The ingest function: its errors and speed, and whether the stream refused its writes.
 *
 * @example
 * ```ts
 * judgeIngest(await reader.read(60_000), DEFAULT_THRESHOLDS).status;
 * ```
 */
export const judgeIngest = (
  figures: PipelineFigures,
  t: HealthThresholds,
): StageJudgement<IngestStageData> => {
  const { streamWriteFailures, streamWriteRetries, accepted } = figures.ingest;
  const writes: CheckStatus = streamWriteFailures > 0 ? 'fail' : streamWriteRetries > 0 ? 'warn' : 'ok';
  const status = worst(functionStatus(figures.stages.ingest, t), writes);
  const parts = [describeFunction('ingest', figures.stages.ingest), `${accepted} events accepted`];
  if (streamWriteFailures > 0)
    parts.push(`${streamWriteFailures} events refused by the stream after retries`);
  if (streamWriteRetries > 0) parts.push(`${streamWriteRetries} stream writes retried`);
  return {
    status,
    summary: `${parts.join('; ')} (last ${seconds(figures)} s)`,
    data: { ...figures.stages.ingest, accepted, streamWriteFailures, streamWriteRetries },
  };
};

/**
 * The stream: how far behind processing is, how much waits, how much is handed back.
 *
 * @example
 * ```ts
 * judgeStream(figures, DEFAULT_THRESHOLDS).summary;
 * ```
 */
export const judgeStream = (
  figures: PipelineFigures,
  t: HealthThresholds,
): StageJudgement<StreamStageData> => {
  const { latestLagMs, maxLagMs, pendingRecords, retriedRecords } = figures.stream;
  const lag = latestLagMs ?? 0;
  const status: CheckStatus = lag > t.lagFailMs ? 'fail' : lag > t.lagWarnMs ? 'warn' : 'ok';
  const parts = [
    latestLagMs === null
      ? 'no batch processed'
      : `lag ${Math.round(lag / 1000)} s (max ${Math.round((maxLagMs ?? 0) / 1000)} s)`,
  ];
  if (pendingRecords !== null) parts.push(`${pendingRecords} records pending`);
  if (retriedRecords > 0) parts.push(`${retriedRecords} records handed back for redelivery`);
  return {
    status,
    summary: `${parts.join('; ')} (last ${seconds(figures)} s)`,
    data: { latestLagMs, maxLagMs, pendingRecords, retriedRecords },
  };
};

/**
 * The processor: its errors and how much of what it reads it has to set aside.
 *
 * @example
 * ```ts
 * judgeProcessor(figures, DEFAULT_THRESHOLDS).data.rejections;
 * ```
 */
export const judgeProcessor = (
  figures: PipelineFigures,
  t: HealthThresholds,
): StageJudgement<ProcessorStageData> => {
  const rejected = Object.values(figures.rejections).reduce((a, b) => a + b, 0);
  const seen = rejected + figures.process.stored + figures.process.duplicates;
  const share = seen === 0 ? 0 : rejected / seen;
  const rejections: CheckStatus =
    seen >= 10 && share > t.rejectionShareFail ? 'fail' : share > t.rejectionShareWarn ? 'warn' : 'ok';
  const dead: CheckStatus =
    figures.deadLetters.inWindow > 0 || (figures.deadLetters.depth ?? 0) > 0 ? 'warn' : 'ok';
  const status = worst(functionStatus(figures.stages.process, t), rejections, dead);
  const parts = [
    describeFunction('process', figures.stages.process),
    `${figures.process.stored} stored, ${figures.process.duplicates} duplicates, ${rejected} quarantined (${Math.round(share * 100)}%)`,
  ];
  if (figures.deadLetters.depth) parts.push(`${figures.deadLetters.depth} records in the dead-letter store`);
  return {
    status,
    summary: `${parts.join('; ')} (last ${seconds(figures)} s)`,
    data: {
      ...figures.stages.process,
      stored: figures.process.stored,
      duplicates: figures.process.duplicates,
      rejections: figures.rejections,
      rejectionShare: share,
      deadLetters: figures.deadLetters,
    },
  };
};

/**
 * The store, as its callers saw it: throttled or failed requests.
 *
 * @example
 * ```ts
 * judgeStore(figures).status; // 'fail' while writes are throttled
 * ```
 */
export const judgeStore = (figures: PipelineFigures): StageJudgement<StoreStageData> => {
  const { throttled, unavailable, failed } = figures.store;
  const status: CheckStatus = throttled + unavailable + failed > 0 ? 'fail' : 'ok';
  return {
    status,
    summary:
      status === 'ok'
        ? `no failed store requests (last ${seconds(figures)} s)`
        : `store requests failing: ${throttled} throttled, ${unavailable} unavailable, ${failed} failed (last ${seconds(figures)} s)`,
    data: { throttled, unavailable, failed },
  };
};

/**
 * The query function: errors and speed.
 *
 * @example
 * ```ts
 * judgeQuery(figures, DEFAULT_THRESHOLDS).summary;
 * ```
 */
export const judgeQuery = (figures: PipelineFigures, t: HealthThresholds): StageJudgement<StageFigures> => ({
  status: functionStatus(figures.stages.query, t),
  summary: `${describeFunction('query', figures.stages.query)} (last ${seconds(figures)} s)`,
  data: { ...figures.stages.query },
});

/** The stages `/health` reports, in pipeline order. */
export type HealthStage = 'ingest' | 'stream' | 'process' | 'store' | 'query';

/** Every stage of `/health`, judged. */
export interface HealthStages {
  readonly ingest: StageJudgement<IngestStageData>;
  readonly stream: StageJudgement<StreamStageData>;
  readonly process: StageJudgement<ProcessorStageData>;
  readonly store: StageJudgement<StoreStageData>;
  readonly query: StageJudgement<StageFigures>;
}

/** The body of `GET /health` when the figures could be read. */
export interface HealthReport {
  readonly status: 'healthy' | 'degraded' | 'failing';
  readonly window: { readonly from: string; readonly to: string };
  readonly stages: HealthStages;
  readonly figures: PipelineFigures;
}

/**
 * The body of `GET /health` when the pipeline's metrics could not be read: degraded, with no stage
 * judged. `/health` still answers 200 then, so the check operators poll does not fail on its own.
 */
export interface UnjudgedHealthReport {
  readonly status: 'degraded';
  readonly window: { readonly from: string; readonly to: string };
  readonly summary: string;
  readonly stages: null;
  readonly figures: null;
}

/**
 * Every body of `GET /health`; `stages === null` tells the two apart.
 *
 * @example
 * ```ts
 * if (body.stages !== null) body.stages.store.data.throttled;
 * ```
 */
export type HealthBody = HealthReport | UnjudgedHealthReport;

/**
 * The `/health` body for a window whose metrics could not be read.
 *
 * @example
 * ```ts
 * unjudgedHealthReport(Date.now(), 60_000).stages; // null
 * ```
 */
export const unjudgedHealthReport = (now: number, windowMs: number): UnjudgedHealthReport => ({
  status: 'degraded',
  window: { from: formatInstant(now - windowMs), to: formatInstant(now) },
  summary: 'the pipeline metrics could not be read, so no stage can be judged',
  stages: null,
  figures: null,
});

/**
 * Verdict of a set of statuses: any failure fails, any warning degrades.
 *
 * @example
 * ```ts
 * verdictOf(['ok', 'warn']); // 'degraded'
 * ```
 */
export const verdictOf = (statuses: readonly CheckStatus[]): 'healthy' | 'degraded' | 'failing' =>
  statuses.includes('fail') ? 'failing' : statuses.includes('warn') ? 'degraded' : 'healthy';

/**
 * Judges every stage from the pipeline's figures: the body of `GET /health`.
 *
 * @example
 * ```ts
 * const report = healthReport(await reader.read(60_000), DEFAULT_THRESHOLDS);
 * ```
 */
export const healthReport = (figures: PipelineFigures, t: HealthThresholds): HealthReport => {
  const stages: HealthStages = {
    ingest: judgeIngest(figures, t),
    stream: judgeStream(figures, t),
    process: judgeProcessor(figures, t),
    store: judgeStore(figures),
    query: judgeQuery(figures, t),
  };
  return {
    status: verdictOf(Object.values(stages).map((s) => s.status)),
    window: {
      from: new Date(figures.window.from).toISOString(),
      to: new Date(figures.window.to).toISOString(),
    },
    stages,
    figures,
  };
};
