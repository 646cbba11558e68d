import {
  type Clock,
  type MetricSample,
  type MetricsReader,
  type MetricsRecorder,
  type PipelineFigures,
  QUARANTINE_REASONS,
  type QuarantineReason,
  STAGES,
  type Stage,
  type StageFigures,
} from '@activity-history/core';

/** Options of {@link createMemoryMetrics}. */
export interface MemoryMetricsOptions {
  readonly clock: Clock;
  /** How long samples are kept, milliseconds: the widest window a reader can ask for. */
  readonly retentionMs: number;
}

/** One stage's figures over one step of a series. */
export interface StagePoint {
  readonly invocations: number;
  readonly errors: number;
  /** `null` with no invocations in the step. */
  readonly p95Ms: number | null;
}

/** The pipeline over one step of a series, for a dashboard's trend lines. */
export interface SeriesPoint extends Readonly<Record<Stage, StagePoint>> {
  /** The step's start, epoch milliseconds; the step covers [`start`, `start + stepMs`). */
  readonly start: number;
  /** The largest stream lag in the step; `null` when no batch was processed. */
  readonly lagMs: number | null;
  /** Records rejected in the step, by reason, at ingest and processing. */
  readonly rejections: Readonly<Record<QuarantineReason, number>>;
  /** Failed store requests in the step, every failure kind together. */
  readonly storeFailures: number;
  readonly deadLettered: number;
}

/** A time series of the pipeline, oldest step first. */
export interface MetricsSeries {
  readonly windowMs: number;
  readonly stepMs: number;
  readonly points: readonly SeriesPoint[];
}

/** The in-process metrics store: both ports, plus a series and the dead-letter depth. */
export interface MemoryMetrics extends MetricsRecorder, MetricsReader {
  /**
   * Per-step figures over the last `windowMs`, in steps of `stepMs` aligned on multiples of it (the
   * last step holds now).
   */
  series(options: { readonly windowMs: number; readonly stepMs: number }): MetricsSeries;
  /** Sets what the dead-letter store holds (the local poller knows it); `null` when unknown. */
  setDeadLetterDepth(depth: number | null): void;
  /** The samples kept, oldest first, for tests and debugging. */
  samples(): readonly TimedSample[];
}

/** A sample with the time it was recorded. */
export interface TimedSample {
  readonly at: number;
  readonly sample: MetricSample;
}

/** The nearest-rank percentile of ascending values; `null` for none. */
const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;

const stageFigures = (samples: readonly MetricSample[], stage: Stage): StageFigures => {
  const durations: number[] = [];
  let errors = 0;
  for (const s of samples) {
    if (s.kind !== 'invocation' || s.stage !== stage) continue;
    durations.push(s.durationMs);
    if (s.outcome === 'error') errors++;
  }
  durations.sort((a, b) => a - b);
  return {
    invocations: durations.length,
    errors,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
  };
};

const zeroByReason = (): Record<QuarantineReason, number> =>
  Object.fromEntries(QUARANTINE_REASONS.map((reason) => [reason, 0])) as Record<QuarantineReason, number>;

const byStage = <T>(figure: (stage: Stage) => T): Record<Stage, T> =>
  Object.fromEntries(STAGES.map((stage) => [stage, figure(stage)])) as Record<Stage, T>;

/**
 * The pipeline's figures over a set of samples. `rejections` counts what the processor set aside
 * (the processor check compares it with what it stored); ingest's `invalid_event` rejections answer
 * the client at once and are left out.
 */
const figuresOf = (
  samples: readonly MetricSample[],
  window: { from: number; to: number },
  deadLetterDepth: number | null,
): PipelineFigures => {
  const rejections = zeroByReason();
  const store = { throttled: 0, unavailable: 0, failed: 0 };
  let accepted = 0;
  let streamWriteFailures = 0;
  let streamWriteRetries = 0;
  let maxLagMs: number | null = null;
  let latestLagMs: number | null = null;
  let pendingRecords: number | null = null;
  let retriedRecords = 0;
  let stored = 0;
  let duplicates = 0;
  let deadLettered = 0;
  for (const s of samples) {
    switch (s.kind) {
      case 'accepted':
        accepted += s.count;
        break;
      case 'stored':
        stored += s.count;
        break;
      case 'duplicates':
        duplicates += s.count;
        break;
      case 'rejected':
        if (s.stage === 'process') rejections[s.reason] += s.count;
        break;
      case 'streamWriteFailures':
        if (s.final) streamWriteFailures += s.count;
        else streamWriteRetries += s.count;
        break;
      case 'storeFailures':
        store[s.failure] += s.count;
        break;
      case 'retriedRecords':
        retriedRecords += s.count;
        break;
      case 'streamLag':
        maxLagMs = Math.max(maxLagMs ?? 0, s.ms);
        latestLagMs = s.ms;
        break;
      case 'pendingRecords':
        pendingRecords = s.count;
        break;
      case 'deadLettered':
        deadLettered += s.count;
        break;
      case 'invocation':
        break;
    }
  }
  return {
    window,
    stages: byStage((stage) => stageFigures(samples, stage)),
    ingest: { accepted, streamWriteFailures, streamWriteRetries },
    stream: { maxLagMs, latestLagMs, pendingRecords, retriedRecords },
    process: { stored, duplicates },
    store,
    rejections,
    deadLetters: { inWindow: deadLettered, depth: deadLetterDepth },
  };
};

const seriesPoint = (start: number, samples: readonly MetricSample[]): SeriesPoint => {
  const rejections = zeroByReason();
  let lagMs: number | null = null;
  let storeFailures = 0;
  let deadLettered = 0;
  for (const s of samples) {
    if (s.kind === 'rejected') rejections[s.reason] += s.count;
    else if (s.kind === 'streamLag') lagMs = Math.max(lagMs ?? 0, s.ms);
    else if (s.kind === 'storeFailures') storeFailures += s.count;
    else if (s.kind === 'deadLettered') deadLettered += s.count;
  }
  const stages = byStage((stage): StagePoint => {
    const { invocations, errors, p95Ms } = stageFigures(samples, stage);
    return { invocations, errors, p95Ms };
  });
  return { start, ...stages, lagMs, rejections, storeFailures, deadLettered };
};

/**
 * Metrics kept in process, as timestamped samples: local mode's metrics store, read by `/health`,
 * the diagnosis and the dashboard. Samples older than the retention are dropped as new ones arrive.
 *
 * @example
 * ```ts
 * const metrics = createMemoryMetrics({ clock: systemClock, retentionMs: 15 * 60_000 });
 * metrics.record({ kind: 'invocation', stage: 'query', outcome: 'ok', durationMs: 12 });
 * (await metrics.read(60_000)).stages.query.p95Ms; // 12
 * metrics.series({ windowMs: 300_000, stepMs: 10_000 }).points.length; // 30
 * ```
 */
export const createMemoryMetrics = (options: MemoryMetricsOptions): MemoryMetrics => {
  const { clock, retentionMs } = options;
  let kept: TimedSample[] = [];
  let deadLetterDepth: number | null = null;

  const prune = (now: number) => {
    const cutoff = now - retentionMs;
    if (kept.length > 0 && kept[0]!.at < cutoff) kept = kept.filter((entry) => entry.at >= cutoff);
  };

  const between = (from: number, to: number): MetricSample[] =>
    kept.filter((entry) => entry.at >= from && entry.at <= to).map((entry) => entry.sample);

  return {
    record(sample) {
      const now = clock.now();
      prune(now);
      kept.push({ at: now, sample });
    },

    async flush() {},

    async read(windowMs) {
      const to = clock.now();
      const from = to - windowMs;
      return figuresOf(between(from, to), { from, to }, deadLetterDepth);
    },

    series({ windowMs, stepMs }) {
      const step = Math.max(1, stepMs);
      const steps = Math.max(1, Math.ceil(windowMs / step));
      // Steps are aligned on multiples of `stepMs` (stable across refreshes); the last one holds now.
      const first = (Math.floor(clock.now() / step) - steps + 1) * step;
      const end = first + steps * step;
      const buckets: MetricSample[][] = Array.from({ length: steps }, () => []);
      for (const entry of kept) {
        if (entry.at < first || entry.at >= end) continue;
        buckets[Math.floor((entry.at - first) / step)]!.push(entry.sample);
      }
      return {
        windowMs,
        stepMs: step,
        points: buckets.map((samples, i) => seriesPoint(first + i * step, samples)),
      };
    },

    setDeadLetterDepth(depth) {
      deadLetterDepth = depth;
    },

    samples: () => [...kept],
  };
};
