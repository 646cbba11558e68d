import { type ActivityEvent, occurredAtMs } from './activity-event.js';
import { type QuantityMicros, toQuantityMicros } from './quantity.js';
import { type DayKey, dayKeyOf } from './time-bucket.js';

/** How many distinct events, and their summed quantity in millionths (exact, unbounded). */
export interface Tally {
  readonly count: number;
  readonly quantityMicros: QuantityMicros;
}

/**
 * The aggregate of a set of events: overall and per activity type. It is a commutative monoid
 * ({@link emptySummary}, {@link mergeSummaries}), so batches may be folded in any order and split
 * anywhere with the same result. `byType` is a `Map` so that a type is only ever a key: a type
 * named `constructor` or `valueof` is counted like any other, never read from `Object.prototype`.
 */
export interface Summary extends Tally {
  readonly byType: ReadonlyMap<string, Tally>;
}

/** The events one user did on one UTC day, as kept by the counters of a store. */
export interface DailyCounter {
  readonly day: DayKey;
  readonly summary: Summary;
}

/**
 * The summary of no events: the identity of {@link mergeSummaries}.
 *
 * @example
 * ```ts
 * mergeSummaries(emptySummary(), s); // equal to s
 * ```
 */
export const emptySummary = (): Summary => ({ count: 0, quantityMicros: 0n, byType: new Map() });

const addTally = (a: Tally | undefined, b: Tally): Tally =>
  a === undefined ? b : { count: a.count + b.count, quantityMicros: a.quantityMicros + b.quantityMicros };

/**
 * Adds one event to a summary: the fold step. Pure, so it copies `byType`; to fold many events
 * into one summary, {@link dailyCountersOf} accumulates in place instead.
 *
 * @example
 * ```ts
 * const summary = events.reduce(addEvent, emptySummary());
 * summary.byType.get('track.played'); // { count: 2, quantityMicros: 3_500_000n }
 * ```
 */
export const addEvent = (summary: Summary, event: ActivityEvent): Summary => {
  const quantityMicros = toQuantityMicros(event.quantity);
  const byType = new Map(summary.byType);
  byType.set(event.type, addTally(byType.get(event.type), { count: 1, quantityMicros }));
  return { count: summary.count + 1, quantityMicros: summary.quantityMicros + quantityMicros, byType };
};

/**
 * Combines two summaries of disjoint sets of events. Associative and commutative.
 *
 * @example
 * ```ts
 * mergeSummaries(summaryOf(monday), summaryOf(tuesday));
 * ```
 */
export const mergeSummaries = (a: Summary, b: Summary): Summary => {
  const byType = new Map(a.byType);
  for (const [type, tally] of b.byType) byType.set(type, addTally(byType.get(type), tally));
  return { count: a.count + b.count, quantityMicros: a.quantityMicros + b.quantityMicros, byType };
};

/**
 * Keeps only the given activity types (`null` keeps all).
 *
 * @example
 * ```ts
 * filterTypes(summary, new Set(['track.played']));
 * ```
 */
export const filterTypes = (summary: Summary, types: ReadonlySet<string> | null): Summary => {
  if (types === null) return summary;
  const byType = new Map<string, Tally>();
  let count = 0;
  let quantityMicros = 0n;
  for (const [type, tally] of summary.byType) {
    if (!types.has(type)) continue;
    byType.set(type, tally);
    count += tally.count;
    quantityMicros += tally.quantityMicros;
  }
  return { count, quantityMicros, byType };
};

/** A tally being accumulated; only {@link SummaryBuilder} holds one, so mutating it is safe. */
interface MutableTally {
  count: number;
  quantityMicros: QuantityMicros;
}

/**
 * Accumulates events into one summary in place: one `Map` update per event instead of the copy
 * that the pure {@link addEvent} makes. Kept private: what leaves it is a finished `Summary`.
 */
class SummaryBuilder {
  private readonly byType = new Map<string, MutableTally>();
  private readonly total: MutableTally = { count: 0, quantityMicros: 0n };

  add(event: ActivityEvent): void {
    const quantityMicros = toQuantityMicros(event.quantity);
    this.total.count += 1;
    this.total.quantityMicros += quantityMicros;
    const tally = this.byType.get(event.type);
    if (tally === undefined) this.byType.set(event.type, { count: 1, quantityMicros });
    else {
      tally.count += 1;
      tally.quantityMicros += quantityMicros;
    }
  }

  summary(): Summary {
    return { count: this.total.count, quantityMicros: this.total.quantityMicros, byType: this.byType };
  }
}

/**
 * Folds events into the counters a store keeps for them: one summary per user-day, ordered by day.
 * Callers pass the events of one user.
 *
 * @example
 * ```ts
 * dailyCountersOf(storedEventsOfUser); // [{ day: '2026-03-01', summary: { count: 2, ... } }]
 * ```
 */
export const dailyCountersOf = (events: Iterable<ActivityEvent>): DailyCounter[] => {
  const byDay = new Map<DayKey, SummaryBuilder>();
  for (const event of events) {
    const day = dayKeyOf(occurredAtMs(event));
    let builder = byDay.get(day);
    if (builder === undefined) {
      builder = new SummaryBuilder();
      byDay.set(day, builder);
    }
    builder.add(event);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, builder]) => ({ day, summary: builder.summary() }));
};

/**
 * Whether two summaries are equal, `byType` compared as a set (a type with a zero tally is absent).
 *
 * @example
 * ```ts
 * summariesEqual(counter.summary, recomputed.summary);
 * ```
 */
export const summariesEqual = (a: Summary, b: Summary): boolean => {
  if (a.count !== b.count || a.quantityMicros !== b.quantityMicros) return false;
  if (a.byType.size !== b.byType.size) return false;
  for (const [type, x] of a.byType) {
    const y = b.byType.get(type);
    if (y === undefined || x.count !== y.count || x.quantityMicros !== y.quantityMicros) return false;
  }
  return true;
};

/** One user-day whose stored counter differs from what its stored events add up to. */
export interface CounterDrift {
  readonly day: DayKey;
  /** What the counter says (`null`: no counter although there are events). */
  readonly counter: Summary | null;
  /** What the stored events add up to (`null`: a counter although there are no events). */
  readonly events: Summary | null;
}

/**
 * Compares stored counters with the counters recomputed from the stored events, day by day.
 *
 * @example
 * ```ts
 * const drift = counterDrift(await store.readDailyCounters(u, range), dailyCountersOf(await store.readEvents(u, range)));
 * if (drift.length > 0) await store.repairCounters(u, range);
 * ```
 */
export const counterDrift = (
  counters: readonly DailyCounter[],
  recomputed: readonly DailyCounter[],
): CounterDrift[] => {
  const stored = new Map(counters.map((c) => [c.day, c.summary] as const));
  const expected = new Map(recomputed.map((c) => [c.day, c.summary] as const));
  const days = [...new Set([...stored.keys(), ...expected.keys()])].sort();
  const drift: CounterDrift[] = [];
  for (const day of days) {
    const counter = stored.get(day) ?? null;
    const events = expected.get(day) ?? null;
    const zero = (s: Summary | null) => s === null || s.count === 0;
    if (zero(counter) && zero(events)) continue;
    if (counter === null || events === null || !summariesEqual(counter, events))
      drift.push({ day, counter, events });
  }
  return drift;
};
