import { type ActivityEvent, occurredAtMs, sameContent } from './activity-event.js';
import type { DailyCounter, Tally } from './activity-summary.js';
import type { AppendOutcome, PositionedEvent } from './ports/event-store.js';
import { toQuantityMicros } from './quantity.js';
import { compareSequences, type StreamPosition, samePosition } from './stream-position.js';
import { type DayKey, dayKeyOf } from './time-bucket.js';

/*
 * The counting protocol every bundled store follows (docs/dynamodb-design.md):
 * 1. each event claims its key (`userId`, `eventId`) with a conditional write that also records
 *    the stream position of the record that stored it (its origin);
 * 2. per (user, day, type, shard), the events this call's records stored (now or in an earlier
 *    delivery of the same records) are added to the counter in one atomic write, on condition that
 *    the counter's watermark for that shard is below their first sequence number, moving it to
 *    their last. A refused write reads the watermark and drops what it already covers.
 * Records of a shard reach the store in order, so the watermark says exactly which of them are
 * counted: a redelivery, a zombie writer or a batch cut differently adds nothing twice.
 */

/** What the conditional write of one key found. */
export type Claim =
  /** This write stored the event: the key was free. */
  | { readonly kind: 'stored' }
  /** The key was taken: its version and the record that stored it. */
  | { readonly kind: 'taken'; readonly stored: ActivityEvent; readonly origin: StreamPosition }
  /** The store refused the write for the event's own content. */
  | { readonly kind: 'refused'; readonly message: string };

/** The counter of one user, day and activity type: the unit a store adds to atomically. */
export interface CounterKey {
  readonly userId: string;
  readonly day: DayKey;
  readonly type: string;
}

/** One counted event, as a counter sees it. */
export interface CountedItem {
  readonly sequence: string;
  readonly quantityMicros: bigint;
}

/** What a call adds to one counter from the records of one shard, ascending by sequence number. */
export interface CounterContribution extends CounterKey {
  readonly shard: string;
  readonly items: readonly CountedItem[];
}

/** What an append decided: one outcome per event, and what to add to which counter. */
export interface AppendPlan {
  readonly outcomes: readonly AppendOutcome[];
  readonly contributions: readonly CounterContribution[];
}

/** The idempotency key of an event, as one string. */
const eventKeyOf = (event: ActivityEvent): string => JSON.stringify([event.userId, event.eventId]);

/**
 * The first occurrence of each key in a call, in order: the events a store claims. Repeats are
 * judged against the first occurrence by {@link planAppend}.
 *
 * @example
 * ```ts
 * const claims = await Promise.all(firstOccurrences(entries).map(claim));
 * ```
 */
export const firstOccurrences = (entries: readonly PositionedEvent[]): PositionedEvent[] => {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = eventKeyOf(entry.event);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** The UTC day an event counts in. */
const countedDayOf = (event: ActivityEvent): DayKey => dayKeyOf(occurredAtMs(event));

const counterId = (key: CounterKey, shard: string): string =>
  JSON.stringify([key.userId, key.day, key.type, shard]);

/**
 * Turns the claims of a call's first occurrences into its outcomes and counter contributions. An
 * event counts for the record that stored it: a `stored` claim, or a `taken` one whose origin is
 * this very record (an earlier delivery stored it, and may or may not have counted it: the
 * counter's watermark knows). A resend by the client (another record) counts nothing.
 *
 * @example
 * ```ts
 * const firsts = firstOccurrences(entries);
 * const plan = planAppend(entries, firsts.map((entry, i) => claims[i]));
 * ```
 */
export const planAppend = (entries: readonly PositionedEvent[], claims: readonly Claim[]): AppendPlan => {
  const firsts = firstOccurrences(entries);
  if (claims.length !== firsts.length) {
    throw new RangeError(
      `planAppend needs one claim per first occurrence (${firsts.length}), got ${claims.length}`,
    );
  }
  const claimOf = new Map(
    firsts.map((entry, i) => [eventKeyOf(entry.event), { entry, claim: claims[i]! }] as const),
  );
  const contributions = new Map<string, { key: CounterKey; shard: string; items: CountedItem[] }>();
  const judged = new Set<string>();
  const contributed = new Set<string>();
  const outcomes = entries.map(({ event, position }): AppendOutcome => {
    const key = eventKeyOf(event);
    const { entry, claim } = claimOf.get(key)!;
    const first = !judged.has(key);
    judged.add(key);
    if (claim.kind === 'refused') return { kind: 'refused', message: claim.message };
    // A key this call stored holds its first occurrence, and that record is its origin.
    const stored = claim.kind === 'stored' ? entry.event : claim.stored;
    const origin = claim.kind === 'stored' ? entry.position : claim.origin;
    // Any occurrence may be the origin's record (a call can carry a resend from another shard
    // first); the event counts once per call.
    if (!contributed.has(key) && samePosition(origin, position)) {
      contributed.add(key);
      const counter = { userId: stored.userId, day: countedDayOf(stored), type: stored.type };
      const id = counterId(counter, position.shard);
      const contribution = contributions.get(id) ?? { key: counter, shard: position.shard, items: [] };
      contribution.items.push({
        sequence: position.sequence,
        quantityMicros: BigInt(toQuantityMicros(stored.quantity)),
      });
      contributions.set(id, contribution);
    }
    if (first && claim.kind === 'stored') return { kind: 'new' };
    return sameContent(stored, event) ? { kind: 'duplicate' } : { kind: 'conflict', stored: { ...stored } };
  });
  return {
    outcomes,
    contributions: [...contributions.values()].map(({ key, shard, items }) => ({
      ...key,
      shard,
      items: items.sort((a, b) => compareSequences(a.sequence, b.sequence)),
    })),
  };
};

/**
 * The part of a contribution a counter does not cover yet: the items after its watermark for the
 * contribution's shard (`null`: the counter has counted nothing of that shard).
 *
 * @example
 * ```ts
 * const rest = uncounted(contribution, '41'); // the items with sequence numbers above 41
 * ```
 */
export const uncounted = (
  contribution: CounterContribution,
  watermark: string | null,
): CounterContribution =>
  watermark === null
    ? contribution
    : {
        ...contribution,
        items: contribution.items.filter((item) => compareSequences(item.sequence, watermark) > 0),
      };

/** What one atomic counter write adds: a count, a quantity, and the watermark's move. */
export interface CounterIncrement {
  readonly count: number;
  readonly quantityMicros: bigint;
  /** The first sequence number added: the write requires the watermark below it. */
  readonly first: string;
  /** The last sequence number added: the watermark's new value. */
  readonly last: string;
}

/**
 * The increment of a non-empty contribution, or `null` when nothing is left to add.
 *
 * @example
 * ```ts
 * incrementOf(contribution); // { count: 2, quantityMicros: 3_500_000n, first: '40', last: '42' }
 * ```
 */
export const incrementOf = (contribution: CounterContribution): CounterIncrement | null => {
  const { items } = contribution;
  if (items.length === 0) return null;
  return {
    count: items.length,
    quantityMicros: items.reduce((sum, item) => sum + item.quantityMicros, 0n),
    first: items[0]!.sequence,
    last: items[items.length - 1]!.sequence,
  };
};

/** An event as a store keeps it: the version that stands, and the record that stored it. */
export interface StoredEvent {
  readonly event: ActivityEvent;
  readonly origin: StreamPosition;
}

/** What a counter must hold to agree with its stored events. */
export interface ExpectedCounter extends CounterKey {
  readonly count: number;
  readonly quantityMicros: bigint;
  /** Per shard, the highest sequence number among the origins of the counted events. */
  readonly watermarks: ReadonlyMap<string, string>;
}

/**
 * What every counter of a user must hold, recomputed from the stored events: figures, and the
 * watermarks that make a later redelivery of any of those records add nothing. Repair writes
 * these, whatever the counters held before.
 *
 * @example
 * ```ts
 * const expected = expectedCounters(await readStoredEvents(userId, range));
 * ```
 */
export const expectedCounters = (events: Iterable<StoredEvent>): ExpectedCounter[] => {
  const counters = new Map<
    string,
    { key: CounterKey; count: number; quantityMicros: bigint; watermarks: Map<string, string> }
  >();
  for (const { event, origin } of events) {
    const key = { userId: event.userId, day: countedDayOf(event), type: event.type };
    const id = JSON.stringify([key.userId, key.day, key.type]);
    const counter = counters.get(id) ?? {
      key,
      count: 0,
      quantityMicros: 0n,
      watermarks: new Map<string, string>(),
    };
    counter.count++;
    counter.quantityMicros += BigInt(toQuantityMicros(event.quantity));
    const mark = counter.watermarks.get(origin.shard);
    if (mark === undefined || compareSequences(origin.sequence, mark) > 0)
      counter.watermarks.set(origin.shard, origin.sequence);
    counters.set(id, counter);
  }
  return [...counters.values()].map(({ key, count, quantityMicros, watermarks }) => ({
    ...key,
    count,
    quantityMicros,
    watermarks,
  }));
};

/** The figures of one counter as a store reads them. */
export interface CounterTally extends CounterKey {
  readonly count: number;
  readonly quantityMicros: bigint;
}

/**
 * Rolls per-type counters up into daily counters, ascending by day; counters with a zero count
 * are left out, as are days left with nothing.
 *
 * @example
 * ```ts
 * dailyCountersOfTallies([{ userId: 'u-1', day: '2026-03-01', type: 'track.played', count: 2, quantityMicros: 2_000_000n }]);
 * ```
 */
export const dailyCountersOfTallies = (tallies: Iterable<CounterTally>): DailyCounter[] => {
  const days = new Map<DayKey, { count: number; quantityMicros: bigint; byType: Map<string, Tally> }>();
  for (const tally of tallies) {
    if (tally.count <= 0) continue;
    const day = days.get(tally.day) ?? { count: 0, quantityMicros: 0n, byType: new Map<string, Tally>() };
    day.count += tally.count;
    day.quantityMicros += tally.quantityMicros;
    const before = day.byType.get(tally.type);
    day.byType.set(tally.type, {
      count: (before?.count ?? 0) + tally.count,
      quantityMicros: (before?.quantityMicros ?? 0n) + tally.quantityMicros,
    });
    days.set(tally.day, day);
  }
  // Day keys are ISO dates: text order is time order.
  return [...days.keys()].sort().map((day) => ({ day, summary: days.get(day)! }));
};
