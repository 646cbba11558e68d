import type { ActivityEvent } from '../activity-event.js';
import {
  formatInstant,
  historyBody,
  rollUp,
  type SummaryBody,
  type TallyBody,
  tallyBody,
} from '../activity-history.js';
import { counterDrift, type DailyCounter, dailyCountersOf } from '../activity-summary.js';
import type { DayRange } from '../day-range.js';
import type { FieldError } from '../field-error.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { HistoryApi, HistoryApiAnswer } from '../ports/history-api.js';
import type { MetricsReader, PipelineFigures, StageFigures } from '../ports/metrics.js';
import type { QuarantinedRecord, QuarantineReason } from '../quarantine.js';
import {
  type CheckStatus,
  type HealthThresholds,
  type IngestStageData,
  judgeIngest,
  judgeProcessor,
  judgeQuery,
  judgeStore,
  judgeStream,
  type ProcessorStageData,
  type StageJudgement,
  type StoreStageData,
  type StreamStageData,
  verdictOf,
} from '../stage-health.js';

/** The checks of a diagnosis, in the order the contract lists them. */
export const CHECK_IDS = ['api', 'query', 'store', 'counters', 'processor', 'stream', 'ingest'] as const;

/** One check of a diagnosis. */
export type CheckId = (typeof CHECK_IDS)[number];

/** The question each check answers. */
export const CHECK_QUESTIONS: Readonly<Record<CheckId, string>> = {
  api: 'What does the query API return for this user?',
  query: 'Is the query function succeeding, and how fast?',
  store: 'What is stored for this user (events, counters)?',
  counters: 'Do the counters equal what the stored events add up to (drift)?',
  processor: 'Is the validating/writing function failing or rejecting events?',
  stream: 'Is the stream keeping up (lag / iterator age, pending records, throttles)?',
  ingest: 'Is the ingest function failing or slow, and did stream writes fail?',
};

/**
 * Which failing check is named the suspect: the one closest to the root cause. A throttled store
 * makes the processor retry and the stream lag, so the store comes first; a crashing processor makes
 * the stream lag, so the processor comes before the stream; the API shows what the query returns.
 */
const SUSPECT_PRIORITY: readonly CheckId[] = [
  'store',
  'processor',
  'stream',
  'ingest',
  'counters',
  'query',
  'api',
];

/** A check's `data` when what it judges could not be read (a backend failed): the reason. */
export interface UnreadableCheckData {
  readonly error: string;
}

/** `api`: what the query API returned, and what the stored events add up to when they could be read. */
export interface ApiCheckData {
  /** Where the API was asked: its URL, or `in process`. */
  readonly where: string;
  /** The HTTP status it answered with (200). */
  readonly status: number;
  readonly latencyMs: number;
  readonly totals: SummaryBody;
  /** How many non-empty buckets the API returned. */
  readonly buckets: number;
  /** What the stored events add up to over the range (absent when they could not be read). */
  readonly storedTotals?: SummaryBody;
}

/** `api`, when the API gave no history: the status it answered with (`null`: no answer), and why. */
export interface ApiFailureData {
  readonly where: string;
  readonly status: number | null;
  readonly latencyMs: number;
  readonly error: string;
}

/** `query`: the query function's invocations, errors and speed. */
export type QueryCheckData = StageFigures;

/** `store`: what is stored for the user, and the store requests that failed when the metrics could be read. */
export interface StoreCheckData {
  readonly events: number;
  /** Stored events by type; every type is an own property, whatever its name. */
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly counterDays: number;
  readonly requests?: StoreStageData;
}

/** One day on which the counter and the stored events disagree; `null` where one side has nothing. */
export interface CounterDriftDay {
  readonly day: string;
  readonly counter: TallyBody | null;
  readonly events: TallyBody | null;
}

/** `counters`: the days the counters drift from the stored events (at most 31 shown). */
export interface CountersCheckData {
  readonly driftDays: number;
  readonly drift: readonly CounterDriftDay[];
}

/** A quarantined record as a diagnosis shows it. */
export interface QuarantinedRecordView {
  readonly eventId: string | null;
  readonly reason: QuarantineReason;
  readonly errors: readonly FieldError[];
  readonly quarantinedAt: string;
  readonly recordId: string;
  readonly correlationId: string | null;
  readonly payload: string;
}

/** The user's latest quarantined records, newest first; `null` with the reason when they could not be read. */
export type RecentQuarantine =
  | { readonly recentQuarantined: readonly QuarantinedRecordView[] }
  | { readonly recentQuarantined: null; readonly quarantineError: string };

/** `processor`: the processor's figures (or why they are unknown) and this user's quarantined records. */
export type ProcessorCheckData = (ProcessorStageData | UnreadableCheckData) & RecentQuarantine;

/** `stream`: lag, pending and redelivered records. */
export type StreamCheckData = StreamStageData;

/** `ingest`: the ingest function, and the stream's answers to its writes. */
export type IngestCheckData = IngestStageData;

/**
 * The `data` of each check. Every check but `processor` holds either its figures or, when a
 * backend could not be read, {@link UnreadableCheckData} (for `api`, {@link ApiFailureData}); tell
 * them apart with `'error' in data`.
 */
export interface CheckDataById {
  readonly api: ApiCheckData | ApiFailureData;
  readonly query: QueryCheckData | UnreadableCheckData;
  readonly store: StoreCheckData | UnreadableCheckData;
  readonly counters: CountersCheckData | UnreadableCheckData;
  readonly processor: ProcessorCheckData;
  readonly stream: StreamCheckData | UnreadableCheckData;
  readonly ingest: IngestCheckData | UnreadableCheckData;
}

/** One answered question: the check `Id`, with the data that check holds. */
export interface CheckOf<Id extends CheckId> {
  readonly id: Id;
  readonly question: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly data: CheckDataById[Id];
}

/**
 * One answered question, discriminated on `id`: `check.id === 'counters'` narrows `check.data`
 * to the counters' data.
 *
 * @example
 * ```ts
 * for (const check of diagnosis.checks) if (check.id === 'counters' && 'drift' in check.data) check.data.drift;
 * ```
 */
export type DiagnosisCheck = { readonly [Id in CheckId]: CheckOf<Id> }[CheckId];

/**
 * The body of `GET /users/{userId}/diagnosis`. It is plain JSON by construction (instants as
 * RFC 3339 strings, exact sums as decimal strings, per-type counts as objects, no `bigint` or
 * `Map`), so it is also its own wire form: see {@link DiagnosisBody}.
 */
export interface Diagnosis {
  readonly userId: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly verdict: 'healthy' | 'degraded' | 'failing';
  readonly suspect: CheckId | null;
  /** Every check, once each, in the order of {@link CHECK_IDS}. */
  readonly checks: readonly DiagnosisCheck[];
}

/**
 * A diagnosis as a client parses it from the JSON body: the same shape, since {@link diagnoseUser}
 * builds nothing JSON would change (a test round-trips one through `JSON.stringify`).
 */
export type DiagnosisBody = Diagnosis;

// `check.id === id` holds only for the check of that id, so the predicate is exact.
const isCheckOf = <Id extends CheckId>(check: DiagnosisCheck | CheckOf<Id>, id: Id): check is CheckOf<Id> =>
  check.id === id;

/**
 * The check `id` of a diagnosis, typed as that check; `undefined` when the body lacks it (a client
 * reading another version's body). With a literal, `checks.find((c) => c.id === 'counters')` narrows
 * as well; this serves an `id` held in a variable.
 *
 * @example
 * ```ts
 * const counters = diagnosisCheck(diagnosis, 'counters');
 * if (counters !== undefined && 'drift' in counters.data) counters.data.drift.length;
 * ```
 */
export const diagnosisCheck = <Id extends CheckId>(
  diagnosis: Pick<Diagnosis, 'checks'>,
  id: Id,
): CheckOf<Id> | undefined => {
  for (const check of diagnosis.checks) if (isCheckOf(check, id)) return check;
  return undefined;
};

/** What the diagnosis needs. */
export interface DiagnosisDependencies {
  readonly store: EventStore;
  readonly metrics: MetricsReader;
  readonly api: HistoryApi;
  readonly clock: Clock;
  readonly thresholds: HealthThresholds;
  /** How far back the pipeline's figures reach, milliseconds. */
  readonly metricsWindowMs: number;
  /** How many of the user's latest quarantined records to show. */
  readonly quarantineLimit: number;
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const settle = async <T>(work: () => Promise<T>): Promise<Settled<T>> => {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
};

const unknownCheck = (what: string, reason: string): StageJudgement<UnreadableCheckData> => ({
  status: 'warn',
  summary: `cannot tell: ${what} could not be read (${reason})`,
  data: { error: reason },
});

const quarantineView = (records: readonly QuarantinedRecord[]): QuarantinedRecordView[] =>
  records.map((r) => ({
    eventId: r.eventId,
    reason: r.reason,
    errors: r.errors,
    quarantinedAt: formatInstant(r.quarantinedAt),
    recordId: r.recordId,
    correlationId: r.correlationId,
    payload: r.payload,
  }));

/**
 * Answers, for one user and window, the questions an engineer asks when someone says "my count is
 * wrong": what the API returns, what is stored, whether counters drift from the events, what was
 * rejected and why, and which stage of the pipeline is unhealthy. Every check is answered even when
 * a backend fails: a backend that cannot be read is itself an answer.
 *
 * @example
 * ```ts
 * const diagnosis = await diagnoseUser('u-1', range, dependencies);
 * diagnosis.suspect; // 'store' while store writes are throttled
 * ```
 */
export const diagnoseUser = async (
  userId: string,
  range: DayRange,
  deps: DiagnosisDependencies,
): Promise<Diagnosis> => {
  const [figures, events, counters, quarantined, api] = await Promise.all([
    settle(() => deps.metrics.read(deps.metricsWindowMs)),
    settle(() => deps.store.readEvents(userId, range)),
    settle(() => deps.store.readDailyCounters(userId, range)),
    settle(() => deps.store.readQuarantine(userId, deps.quarantineLimit)),
    settle(() => deps.api.readTotals(userId, range)),
  ]);
  const t = deps.thresholds;
  const fromFigures = <Data>(
    judge: (f: PipelineFigures) => StageJudgement<Data>,
  ): StageJudgement<Data | UnreadableCheckData> =>
    figures.ok ? judge(figures.value) : unknownCheck('the pipeline metrics', figures.reason);

  const judgements: { readonly [Id in CheckId]: StageJudgement<CheckDataById[Id]> } = {
    api: judgeApi(userId, range, deps.api.where, api, events),
    query: fromFigures((f) => judgeQuery(f, t)),
    store: judgeStoreForUser(events, counters, figures.ok ? judgeStore(figures.value) : null),
    counters: judgeCounters(events, counters),
    processor: withQuarantine(
      fromFigures((f) => judgeProcessor(f, t)),
      quarantined,
    ),
    stream: fromFigures((f) => judgeStream(f, t)),
    ingest: fromFigures((f) => judgeIngest(f, t)),
  };
  const check = <Id extends CheckId>(id: Id): CheckOf<Id> => ({
    id,
    question: CHECK_QUESTIONS[id],
    ...judgements[id],
  });
  // In the order of CHECK_IDS, the contract's.
  const checks: readonly DiagnosisCheck[] = [
    check('api'),
    check('query'),
    check('store'),
    check('counters'),
    check('processor'),
    check('stream'),
    check('ingest'),
  ];
  const statuses = checks.map((c) => c.status);
  const worstStatus: CheckStatus | null = statuses.includes('fail')
    ? 'fail'
    : statuses.includes('warn')
      ? 'warn'
      : null;
  return {
    userId,
    window: { from: formatInstant(range.from), to: formatInstant(range.to) },
    verdict: verdictOf(statuses),
    suspect:
      worstStatus === null
        ? null
        : (SUSPECT_PRIORITY.find((id) => judgements[id].status === worstStatus) ?? null),
    checks,
  };
};

const judgeApi = (
  userId: string,
  range: DayRange,
  where: string,
  settled: Settled<HistoryApiAnswer>,
  events: Settled<readonly ActivityEvent[]>,
): StageJudgement<ApiCheckData | ApiFailureData> => {
  // The port answers rather than throws; a throw is still an API that did not answer.
  const answer: HistoryApiAnswer = settled.ok
    ? settled.value
    : { kind: 'unreachable', message: settled.reason, latencyMs: 0 };
  if (answer.kind === 'unreachable')
    return {
      status: 'fail',
      summary: `the query API at ${where} did not answer: ${answer.message}`,
      data: { where, status: null, latencyMs: answer.latencyMs, error: answer.message },
    };
  if (answer.kind === 'refused')
    return {
      status: 'fail',
      summary: `the query API at ${where} answered ${answer.status}, not a history: ${answer.message}`,
      data: { where, status: answer.status, latencyMs: answer.latencyMs, error: answer.message },
    };
  const { totals } = answer.body;
  const reached = {
    where,
    status: 200,
    latencyMs: answer.latencyMs,
    totals,
    buckets: answer.body.buckets.length,
  };
  const returned = `the API returns ${totals.count} events, quantity ${totals.quantity} (${answer.latencyMs} ms)`;
  if (!events.ok) return { status: 'ok', summary: returned, data: reached };
  const query = { userId, range, granularity: 'total' as const, types: null };
  const stored = historyBody(rollUp(query, dailyCountersOf(events.value))).totals;
  const data: ApiCheckData = { ...reached, storedTotals: stored };
  // Compared on the exact string: two sums past 2^53 millionths may share the nearest double.
  if (stored.count !== totals.count || stored.quantityMicros !== totals.quantityMicros) {
    return {
      status: 'fail',
      summary: `the API returns ${totals.count} events (quantity ${totals.quantity}) but the stored events add up to ${stored.count} (quantity ${stored.quantity})`,
      data,
    };
  }
  return { status: 'ok', summary: returned, data };
};

const judgeStoreForUser = (
  events: Settled<readonly ActivityEvent[]>,
  counters: Settled<readonly DailyCounter[]>,
  requests: StageJudgement<StoreStageData> | null,
): StageJudgement<StoreCheckData | UnreadableCheckData> => {
  if (!events.ok)
    return {
      status: 'fail',
      summary: `the stored events could not be read: ${events.reason}`,
      data: { error: events.reason },
    };
  if (!counters.ok)
    return {
      status: 'fail',
      summary: `the counters could not be read: ${counters.reason}`,
      data: { error: counters.reason },
    };
  // A Map, then own properties: a type named `constructor` must count, not read Object's.
  const byType = new Map<string, number>();
  for (const event of events.value) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
  const stored = `${events.value.length} events stored over ${counters.value.length} counter days`;
  return {
    status: requests?.status ?? 'ok',
    summary: requests === null || requests.status === 'ok' ? stored : `${requests.summary}; ${stored}`,
    data: {
      events: events.value.length,
      eventsByType: Object.fromEntries(byType),
      counterDays: counters.value.length,
      ...(requests === null ? {} : { requests: requests.data }),
    },
  };
};

const judgeCounters = (
  events: Settled<readonly ActivityEvent[]>,
  counters: Settled<readonly DailyCounter[]>,
): StageJudgement<CountersCheckData | UnreadableCheckData> => {
  if (!events.ok) return unknownCheck('the store', events.reason);
  if (!counters.ok) return unknownCheck('the store', counters.reason);
  const drift = counterDrift(counters.value, dailyCountersOf(events.value));
  if (drift.length === 0) {
    return {
      status: 'ok',
      summary: `counters equal the stored events on all ${counters.value.length} days`,
      data: { driftDays: 0, drift: [] },
    };
  }
  const shown = drift.slice(0, 31).map(
    (d): CounterDriftDay => ({
      day: d.day,
      counter: d.counter === null ? null : tallyBody(d.counter),
      events: d.events === null ? null : tallyBody(d.events),
    }),
  );
  return {
    status: 'fail',
    summary: `counters drift from the stored events on ${drift.length} day(s), first ${drift[0]?.day}: repair recomputes them`,
    data: { driftDays: drift.length, drift: shown },
  };
};

const withQuarantine = (
  judgement: StageJudgement<ProcessorStageData | UnreadableCheckData>,
  quarantined: Settled<readonly QuarantinedRecord[]>,
): StageJudgement<ProcessorCheckData> => {
  if (!quarantined.ok) {
    return {
      ...judgement,
      data: { ...judgement.data, recentQuarantined: null, quarantineError: quarantined.reason },
    };
  }
  const recent = quarantineView(quarantined.value);
  const summary =
    recent.length === 0
      ? `${judgement.summary}; nothing quarantined for this user`
      : `${judgement.summary}; this user's latest quarantined record: ${recent[0]?.reason} (${recent[0]?.errors[0]?.message ?? ''})`;
  return { ...judgement, summary, data: { ...judgement.data, recentQuarantined: recent } };
};
