import type { QuarantineReason } from '../quarantine.js';

/** The functions of the pipeline, each of which reports its invocations. */
export type Stage = 'ingest' | 'process' | 'query' | 'diagnose';

/** Every stage. */
export const STAGES: readonly Stage[] = ['ingest', 'process', 'query', 'diagnose'];

/**
 * One data point. Dimensions are the stage and, for rejections, the reason: never a user, so the
 * number of metric series stays fixed.
 */
export type MetricSample =
  /** One invocation of a stage's function, with how it ended and how long it took. */
  | {
      readonly kind: 'invocation';
      readonly stage: Stage;
      readonly outcome: 'ok' | 'error';
      readonly durationMs: number;
    }
  /** Events written to the stream (ingest) or newly stored (process). */
  | { readonly kind: 'accepted' | 'stored' | 'duplicates'; readonly count: number }
  /** Events or records rejected: at ingest as `invalid_event`, at processing with any reason. */
  | {
      readonly kind: 'rejected';
      readonly stage: 'ingest' | 'process';
      readonly reason: QuarantineReason;
      readonly count: number;
    }
  /** Records the stream refused (after retries, when `final`). */
  | { readonly kind: 'streamWriteFailures'; readonly final: boolean; readonly count: number }
  /** Store requests that were throttled or failed. */
  | {
      readonly kind: 'storeFailures';
      readonly failure: 'throttled' | 'unavailable' | 'failed';
      readonly count: number;
    }
  /** Records handed back to the stream for redelivery. */
  | { readonly kind: 'retriedRecords'; readonly count: number }
  /** Age of the oldest record of a processed batch (now minus its arrival). */
  | { readonly kind: 'streamLag'; readonly ms: number }
  /** Records written to the stream but not yet processed, where the runtime knows it. */
  | { readonly kind: 'pendingRecords'; readonly count: number }
  /** Records sent to the dead-letter store after retries ran out. */
  | { readonly kind: 'deadLettered'; readonly count: number };

/**
 * Records metrics. Recording never throws and never waits: a lost data point must not fail the
 * pipeline. `flush` sends what is buffered (at the end of an invocation).
 *
 * @example
 * ```ts
 * metrics.record({ kind: 'invocation', stage: 'query', outcome: 'ok', durationMs: 12 });
 * await metrics.flush();
 * ```
 */
export interface MetricsRecorder {
  record(sample: MetricSample): void;
  flush(): Promise<void>;
}

/** How one stage's function did over a window. */
export interface StageFigures {
  readonly invocations: number;
  readonly errors: number;
  /** Duration percentiles in milliseconds; `null` with no invocations. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** The recent figures of the whole pipeline: what `/health` shows and the diagnosis judges. */
export interface PipelineFigures {
  /** The window the figures cover, epoch milliseconds. */
  readonly window: { readonly from: number; readonly to: number };
  readonly stages: Readonly<Record<Stage, StageFigures>>;
  readonly ingest: {
    readonly accepted: number;
    readonly streamWriteFailures: number;
    readonly streamWriteRetries: number;
  };
  readonly stream: {
    /** The largest lag seen in the window; `null` when no batch was processed. */
    readonly maxLagMs: number | null;
    /** The latest lag seen; `null` when no batch was processed. */
    readonly latestLagMs: number | null;
    readonly pendingRecords: number | null;
    readonly retriedRecords: number;
  };
  readonly process: { readonly stored: number; readonly duplicates: number };
  readonly store: { readonly throttled: number; readonly unavailable: number; readonly failed: number };
  readonly rejections: Readonly<Record<QuarantineReason, number>>;
  readonly deadLetters: {
    readonly inWindow: number;
    /** Records waiting in the dead-letter store; `null` where it cannot be read. */
    readonly depth: number | null;
  };
}

/**
 * Reads the pipeline's recent figures (CloudWatch in AWS, the in-process metrics store locally).
 * Throws {@link MetricsReadError} when the backend cannot answer.
 *
 * @example
 * ```ts
 * const figures = await reader.read(60_000);
 * figures.stages.process.errors;
 * ```
 */
export interface MetricsReader {
  /** Figures over the last `windowMs` milliseconds. */
  read(windowMs: number): Promise<PipelineFigures>;
}
