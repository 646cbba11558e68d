import type { ActivityEvent } from '../activity-event.js';
import { formatInstant, historyBody, rollUp, tallyBody } from '../activity-history.js';
import { counterDrift, type DailyCounter, dailyCountersOf } from '../activity-summary.js';
import type { DayRange } from '../day-range.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { HistoryApi } from '../ports/history-api.js';
import type { MetricsReader, PipelineFigures } from '../ports/metrics.js';
import type { QuarantinedRecord } from '../quarantine.js';
import {
  type CheckStatus,
  type HealthThresholds,
  judgeIngest,
  judgeProcessor,
  judgeQuery,
  judgeStore,
  judgeStream,
  type StageJudgement,
  verdictOf,
} from '../stage-health.js';

/** The checks of a diagnosis, in the order the contract lists them. */
export type CheckId = 'api' | 'query' | 'store' | 'counters' | 'processor' | 'stream' | 'ingest';

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

const CHECK_ORDER: readonly CheckId[] = [
  'api',
  'query',
  'store',
  'counters',
  'processor',
  'stream',
  'ingest',
];

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

/** One answered question. */
export interface DiagnosisCheck {
  readonly id: CheckId;
  readonly question: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The body of `GET /users/{userId}/diagnosis`. */
export interface Diagnosis {
  readonly userId: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly verdict: 'healthy' | 'degraded' | 'failing';
  readonly suspect: CheckId | null;
  readonly checks: readonly DiagnosisCheck[];
}

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

const unknownCheck = (what: string, reason: string): StageJudgement => ({
  status: 'warn',
  summary: `cannot tell: ${what} could not be read (${reason})`,
  data: { error: reason },
});

const quarantineView = (records: readonly QuarantinedRecord[]) =>
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
  const fromFigures = (judge: (f: PipelineFigures) => StageJudgement): StageJudgement =>
    figures.ok ? judge(figures.value) : unknownCheck('the pipeline metrics', figures.reason);

  const judgements: Record<CheckId, StageJudgement> = {
    api: judgeApi(userId, range, api, counters),
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
  const checks = CHECK_ORDER.map((id) => ({ id, question: CHECK_QUESTIONS[id], ...judgements[id] }));
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
  api: Settled<Awaited<ReturnType<HistoryApi['readTotals']>>>,
  counters: Settled<readonly DailyCounter[]>,
): StageJudgement => {
  if (!api.ok)
    return {
      status: 'fail',
      summary: `the query API did not answer: ${api.reason}`,
      data: { error: api.reason },
    };
  const totals = api.value.totals;
  const data: Record<string, unknown> = { totals, buckets: api.value.buckets.length };
  if (counters.ok) {
    const query = { userId, range, granularity: 'total' as const, types: null };
    const expected = historyBody(rollUp(query, counters.value)).totals;
    data.counterTotals = expected;
    // Compared on the exact string: two sums past 2^53 millionths may share the nearest double.
    if (expected.count !== totals.count || expected.quantityMicros !== totals.quantityMicros) {
      return {
        status: 'fail',
        summary: `the API returns ${totals.count} events (quantity ${totals.quantity}) but the stored counters hold ${expected.count} (quantity ${expected.quantity})`,
        data,
      };
    }
  }
  return {
    status: 'ok',
    summary: `the API returns ${totals.count} events, quantity ${totals.quantity}`,
    data,
  };
};

const judgeStoreForUser = (
  events: Settled<readonly ActivityEvent[]>,
  counters: Settled<readonly DailyCounter[]>,
  requests: StageJudgement | null,
): StageJudgement => {
  if (!events.ok)
    return { status: 'fail', summary: `the stored events could not be read: ${events.reason}`, data: {} };
  if (!counters.ok)
    return { status: 'fail', summary: `the counters could not be read: ${counters.reason}`, data: {} };
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
): StageJudgement => {
  if (!events.ok || !counters.ok) {
    return unknownCheck('the store', events.ok ? (counters as { reason: string }).reason : events.reason);
  }
  const drift = counterDrift(counters.value, dailyCountersOf(events.value));
  if (drift.length === 0) {
    return {
      status: 'ok',
      summary: `counters equal the stored events on all ${counters.value.length} days`,
      data: { drift: [] },
    };
  }
  const shown = drift.slice(0, 31).map((d) => ({
    day: d.day,
    counter: d.counter === null ? null : tallyBody(d.counter),
    events: d.events === null ? null : tallyBody(d.events),
  }));
  return {
    status: 'fail',
    summary: `counters drift from the stored events on ${drift.length} day(s), first ${drift[0]?.day}: repair recomputes them`,
    data: { driftDays: drift.length, drift: shown },
  };
};

const withQuarantine = (
  judgement: StageJudgement,
  quarantined: Settled<readonly QuarantinedRecord[]>,
): StageJudgement => {
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
