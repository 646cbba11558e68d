import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CheckId,
  type CheckStatus,
  type Clock,
  type DayRange,
  DEFAULT_THRESHOLDS,
  type DiagnosisBody,
  dayRange,
  type EventTrace,
  type HealthBody,
  type HealthStage,
} from '@activity-history/core';
import { createLogger } from '@activity-history/handlers';
import { type LocalPipeline, type LocalPipelineOptions, startLocalPipeline } from '@activity-history/local';
import {
  type ApiTarget,
  errorMessage,
  postActivities,
  readDiagnosis,
  readEventTrace,
  readHealth,
  readHistory,
} from '../api-client.js';
import { type AcceptedModel, createAcceptedModel, type DrillEvent, drillEvents } from './drill-traffic.js';

/** The backends drills run on: local mode's, but for Kinesis (no cheap raw writes, no shard of a key). */
export type DrillBackend = 'memory' | 'postgres';

/** The in-memory store and stream, with their fault switches. */
export type MemoryAdapters = NonNullable<LocalPipeline['backend']['memory']>;

/** What a drill's fault gets to work with. */
export interface DrillContext {
  readonly pipeline: LocalPipeline;
  /** The in-memory store and stream, on the memory backend only (`null` elsewhere). */
  readonly memory: MemoryAdapters | null;
  /** Writes one record straight to the stream, past the API's validation. */
  appendRaw(partitionKey: string, data: Uint8Array): Promise<void>;
  /** The shard a user's records go to. */
  shardOf(userId: string): string;
  /** The user whose diagnosis must name the fault. */
  readonly affected: string;
  /** The UTC days the drill's queries cover: from two days ago to tomorrow. */
  readonly range: DayRange;
  /** Posts events and notes in the model those the API accepted; returns the status. */
  send(events: readonly DrillEvent[]): Promise<number>;
  /** Events of a user, numbered apart from every other batch of this drill. */
  events(userId: string, count: number): DrillEvent[];
  /** `GET /users/{userId}/activity` over the range; `null` when it does not answer 200. */
  totals(userId: string): Promise<{ count: number; quantity: number } | null>;
  /** `GET /users/{userId}/events/{eventId}`: where one event is; `null` when it does not answer 200. */
  trace(userId: string, eventId: string): Promise<EventTrace | null>;
}

/** One fault, armed for one run of a drill. */
export interface DrillFault {
  /** Options the fault needs from the pipeline (wrapped functions). */
  readonly options?: Pick<LocalPipelineOptions, 'wrapHandlers'>;
  /** Turns the fault on and sends the traffic that meets it. */
  inject(context: DrillContext): Promise<void>;
  /** Removes the fault (and repairs what needs repair); says what was done. */
  remove(context: DrillContext): Promise<string>;
}

/** A fault drill: a fault, the stage the diagnosis must blame, and how the pipeline recovers. */
export interface Drill {
  readonly name: string;
  readonly fault: string;
  readonly injection: string;
  readonly suspect: CheckId;
  /** The `/health` stage that must show the fault; `null` for a fault only a user's diagnosis sees. */
  readonly stage: HealthStage | null;
  readonly recovery: string;
  /**
   * Why the drill runs on the memory backend only (its fault is a switch of the memory adapters);
   * `null` when its fault is the pipeline's own (a wrapped function, the delivery engine, traffic)
   * and it runs on every drill backend.
   */
  readonly memoryOnly: string | null;
  /** A fresh fault, for one run. */
  arm(): DrillFault;
}

/**
 * The memory adapters of a drill's pipeline, for the drills whose fault is one of their switches
 * (`memoryOnly`); {@link runDrill} runs those on the memory backend only.
 */
export const memoryOf = (context: DrillContext): MemoryAdapters => {
  if (context.memory === null) throw new Error('this drill runs on the memory backend only');
  return context.memory;
};

/** What a run of a drill showed. */
export interface DrillResult {
  readonly drill: Drill;
  /** Whether the diagnosis named the expected suspect and `/health` showed the stage. */
  readonly localized: boolean;
  readonly localizedAfterMs: number;
  readonly observed: {
    readonly suspect: CheckId | null;
    readonly verdict: DiagnosisBody['verdict'] | null;
    readonly health: HealthBody['status'] | null;
    readonly stageStatus: CheckStatus | null;
    /** The suspect check's answer. */
    readonly summary: string;
  };
  /** Whether, after the fault was removed, the totals were exact and every judgement healthy. */
  readonly recovered: boolean;
  readonly recoveredAfterMs: number;
  readonly remedy: string;
  readonly totals: readonly {
    readonly userId: string;
    readonly expected: { count: number; quantity: number };
    readonly actual: { count: number; quantity: number } | null;
  }[];
  /** Why the drill failed, when it did. */
  readonly problem: string | null;
}

/** How drills run: short windows so that a fault shows, and clears, within seconds. */
export interface DrillSettings {
  /** How far back `/health` and the diagnosis look (default 5 s). */
  readonly windowMs?: number;
  /** How long the fault may take to show (default 15 s). */
  readonly localizeWithinMs?: number;
  /** How long recovery may take once the fault is removed, beyond the window (default 20 s). */
  readonly recoverWithinMs?: number;
  /** The backend of the drill's pipeline (default `memory`); `postgres` keeps its data in a temporary directory. */
  readonly backend?: DrillBackend;
}

/**
 * The thresholds of a drill: the defaults, with the stream's lag limits scaled down with the window
 * (warn at 1.5 s, fail at 3 s instead of 10 s and 60 s), so a stuck shard shows in seconds.
 */
const DRILL_THRESHOLDS = { ...DEFAULT_THRESHOLDS, lagWarnMs: 1_500, lagFailMs: 3_000 };

/** Lambda's mapping settings with quick retries, so a batch failing under a fault comes again soon. */
const DRILL_DELIVERY = {
  pollIntervalMs: 50,
  metricsIntervalMs: 200,
  retryBackoffInitialMs: 200,
  retryBackoffMaxMs: 1_000,
};

const DAY_MS = 86_400_000;
/**
 * Polls `check` until it returns a value, or the deadline passes on the pipeline's clock (then the
 * last attempt's `null`).
 */
const within = async <T>(clock: Clock, ms: number, check: () => Promise<T | null>): Promise<T | null> => {
  const deadline = clock.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null || clock.now() > deadline) return value;
    await clock.sleep(100);
  }
};

const sameTotals = (a: { count: number; quantity: number } | null, b: { count: number; quantity: number }) =>
  a !== null && a.count === b.count && a.quantity === b.quantity;

/**
 * Runs one drill on a fresh local pipeline (memory backend unless `settings.backend` names another,
 * a free port): healthy traffic for the
 * affected user and a bystander, then the fault and the traffic that meets it; waits until the
 * diagnosis of the affected user names the expected suspect and `/health` shows the stage; then
 * removes the fault and waits until every user's totals equal the model of distinct accepted
 * events and `/health` and the diagnosis are healthy again.
 *
 * @example
 * ```ts
 * const result = await runDrill(DRILLS[0]);
 * result.localized && result.recovered; // true
 * ```
 */
export const runDrill = async (drill: Drill, settings: DrillSettings = {}): Promise<DrillResult> => {
  const windowMs = settings.windowMs ?? 5_000;
  const backend = settings.backend ?? 'memory';
  if (backend !== 'memory' && drill.memoryOnly !== null) {
    throw new Error(`the ${drill.name} drill runs on the memory backend only: ${drill.memoryOnly}`);
  }
  const fault = drill.arm();
  const dataDir = backend === 'memory' ? null : await mkdtemp(join(tmpdir(), `drill-${drill.name}-`));
  try {
    const pipeline = await startLocalPipeline({
      backend,
      port: 0,
      ...(dataDir === null ? {} : { dataDir }),
      logger: createLogger({ level: 'silent' }),
      metricsWindowMs: windowMs,
      thresholds: DRILL_THRESHOLDS,
      delivery: DRILL_DELIVERY,
      ...fault.options,
    });
    try {
      return await exercise(drill, fault, pipeline, {
        windowMs,
        localizeWithinMs: settings.localizeWithinMs ?? 15_000,
        recoverWithinMs: settings.recoverWithinMs ?? 20_000,
      });
    } finally {
      await pipeline.close();
    }
  } finally {
    if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
  }
};

const exercise = async (
  drill: Drill,
  fault: DrillFault,
  pipeline: LocalPipeline,
  settings: Required<Omit<DrillSettings, 'backend'>>,
): Promise<DrillResult> => {
  const api: ApiTarget = { url: pipeline.url, token: pipeline.token };
  const model: AcceptedModel = createAcceptedModel();
  const today = Math.floor(pipeline.clock.now() / DAY_MS) * DAY_MS;
  const days = dayRange(today - 2 * DAY_MS, today + DAY_MS);
  if (!days.ok) throw new Error('the drill range is invalid');
  const range = days.value;
  const window = {
    from: new Date(range.from).toISOString().slice(0, 10),
    to: new Date(range.to).toISOString().slice(0, 10),
  };
  const affected = `drill-${drill.name}`;
  const bystander = `bystander-${drill.name}`;
  let batches = 0;

  const { appendRaw, shardOf } = pipeline.backend;
  if (appendRaw === null || shardOf === null) {
    throw new Error(`drills need a stream they can write to directly, not ${pipeline.backend.kind}'s`);
  }
  const context: DrillContext = {
    pipeline,
    memory: pipeline.backend.memory,
    appendRaw,
    shardOf,
    affected,
    range,
    async send(events) {
      const response = await postActivities(api, events);
      const accepted = response.body?.accepted ?? [];
      for (const { index } of accepted) model.accept(events[index]!);
      return response.status;
    },
    events: (userId, count) => drillEvents(userId, count, `b${batches++}`, pipeline.clock.now()),
    async totals(userId) {
      const response = await readHistory(api, userId, window);
      if (!response.ok) return null;
      const { count, quantity } = response.body.totals;
      return { count, quantity };
    },
    async trace(userId, eventId) {
      const response = await readEventTrace(api, userId, eventId);
      return response.ok ? response.body : null;
    },
  };
  const diagnose = async (): Promise<DiagnosisBody | null> => {
    const response = await readDiagnosis(api, affected, window);
    return response.ok ? response.body : null;
  };
  const health = async (): Promise<HealthBody> => {
    const response = await readHealth(api);
    if (!response.ok) throw new Error(`GET /health answered ${errorMessage(response)}`);
    return response.body;
  };
  const allExact = async () => {
    const totals = await Promise.all(
      model.users().map(async (userId) => ({
        userId,
        expected: model.totals(userId),
        actual: await context.totals(userId),
      })),
    );
    return { totals, exact: totals.every((t) => sameTotals(t.actual, t.expected)) };
  };

  // A healthy start: the drill's users have counted history before the fault.
  await context.send([...context.events(affected, 12), ...context.events(bystander, 12)]);
  const settled = await within(pipeline.clock, settings.windowMs + 10_000, async () =>
    (await allExact()).exact ? true : null,
  );
  if (settled === null) throw new Error(`${drill.name}: the pipeline did not count the first traffic`);

  const injectedAt = pipeline.clock.now();
  await fault.inject(context);
  let observed: DrillResult['observed'] = {
    suspect: null,
    verdict: null,
    health: null,
    stageStatus: null,
    summary: '',
  };
  const localized = await within(pipeline.clock, settings.localizeWithinMs, async () => {
    const [diagnosis, report] = await Promise.all([diagnose(), health()]);
    // With no stage judged (the metrics unreadable), no stage shows the fault yet.
    const stageStatus =
      drill.stage === null || report.stages === null ? null : report.stages[drill.stage].status;
    observed = {
      suspect: diagnosis?.suspect ?? null,
      verdict: diagnosis?.verdict ?? null,
      health: report.status,
      stageStatus,
      summary: diagnosis?.checks.find((c) => c.id === diagnosis.suspect)?.summary ?? '',
    };
    const stageShows = drill.stage === null || (stageStatus !== null && stageStatus !== 'ok');
    return observed.suspect === drill.suspect && stageShows ? true : null;
  });
  const localizedAfterMs = pipeline.clock.now() - injectedAt;

  const removedAt = pipeline.clock.now();
  const remedy = await fault.remove(context);
  let last = await allExact();
  const recovered = await within(pipeline.clock, settings.windowMs + settings.recoverWithinMs, async () => {
    last = await allExact();
    if (!last.exact) return null;
    const [diagnosis, report] = await Promise.all([diagnose(), health()]);
    return report.status === 'healthy' && diagnosis?.verdict === 'healthy' ? true : null;
  });
  const recoveredAfterMs = pipeline.clock.now() - removedAt;

  const problem =
    localized === null
      ? `the diagnosis named ${observed.suspect ?? 'no suspect'} (expected ${drill.suspect})` +
        (drill.stage === null ? '' : `, /health ${drill.stage}: ${observed.stageStatus}`)
      : recovered === null
        ? last.exact
          ? 'the totals are exact but the pipeline did not turn healthy'
          : 'the totals did not come back exact'
        : null;
  return {
    drill,
    localized: localized !== null,
    localizedAfterMs,
    observed,
    recovered: recovered !== null,
    recoveredAfterMs,
    remedy,
    totals: last.totals,
    problem,
  };
};
