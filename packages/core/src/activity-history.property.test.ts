import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type ActivityEvent, occurredAtMs } from './activity-event.js';
import { type Bucket, historyBody, rollUp } from './activity-history.js';
import { addEvent, dailyCountersOf, emptySummary, type Summary } from './activity-summary.js';
import { dayRange, type HistoryQuery } from './day-range.js';
import { fromQuantityMicros, toQuantityMicros } from './quantity.js';
import { ARBITRARY_NOW, activityTypeArb, dayArb, validEventArb } from './testing/arbitraries.js';
import { bucketStart, DAY_MS, GRANULARITIES } from './time-bucket.js';

const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * A history query over 1 to 800 days at any granularity, with or without a type filter (which may
 * name a type no event has).
 */
const queryArb: fc.Arbitrary<HistoryQuery> = fc
  .record({
    from: dayArb,
    days: fc.integer({ min: 1, max: 800 }),
    granularity: fc.constantFrom(...GRANULARITIES),
    types: fc.option(fc.uniqueArray(fc.oneof(activityTypeArb, fc.constant('never.seen')), { minLength: 1 }), {
      nil: null,
    }),
  })
  .map(({ from, days, granularity, types }) => {
    const range = dayRange(from, from + days * DAY_MS);
    if (!range.ok) throw new Error('day arbitraries make valid ranges');
    return { userId: 'u-1', range: range.value, granularity, types: types === null ? null : new Set(types) };
  });

/** An instant near a query's range: often on either side of a bound, sometimes well outside. */
const instantNearArb = (query: HistoryQuery): fc.Arbitrary<number> => {
  const { from, to } = query.range;
  const low = Math.max(EARLIEST, from - 40 * DAY_MS);
  const high = Math.min(ARBITRARY_NOW - 1, to + 40 * DAY_MS);
  return fc.oneof(
    fc.constantFrom(from, from - 1, to - 1, to).filter((ms) => ms >= EARLIEST && ms < ARBITRARY_NOW),
    fc.integer({ min: Math.min(low, high), max: high }),
  );
};

/** A query and up to 40 events of one user around its range. */
const queryAndEventsArb = queryArb.chain((query) =>
  fc.record({
    query: fc.constant(query),
    events: fc.array(validEventArb({ userId: fc.constant('u-1'), instant: instantNearArb(query) }), {
      maxLength: 40,
    }),
  }),
);

/** The model: each event folded straight into its bucket, without daily counters. */
const directHistory = (query: HistoryQuery, events: readonly ActivityEvent[]) => {
  const buckets = new Map<number, Summary>();
  let totals = emptySummary();
  for (const event of events) {
    const ms = occurredAtMs(event);
    if (ms < query.range.from || ms >= query.range.to) continue;
    if (query.types !== null && !query.types.has(event.type)) continue;
    const start = bucketStart(ms, query.granularity, query.range.from);
    buckets.set(start, addEvent(buckets.get(start) ?? emptySummary(), event));
    totals = addEvent(totals, event);
  }
  const sorted: Bucket[] = [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, summary]) => ({ start, summary }));
  return { totals, buckets: sorted };
};

describe('rollUp of daily counters', () => {
  test.prop([queryAndEventsArb], { numRuns: 400 })(
    'equals a direct fold of the events into buckets, for every granularity and type filter',
    ({ query, events }) => {
      // Act
      const history = rollUp(query, dailyCountersOf(events));

      // Assert
      const expected = directHistory(query, events);
      expect(history.totals).toEqual(expected.totals);
      expect(history.buckets).toEqual(expected.buckets);
    },
  );
});

describe('historyBody', () => {
  test.prop([queryAndEventsArb], { numRuns: 300 })(
    'lists non-empty buckets in ascending order that add up to the totals, quantities exact in millionths',
    ({ query, events }) => {
      // Act
      const body = historyBody(rollUp(query, dailyCountersOf(events)));

      // Assert
      const starts = body.buckets.map((b) => Date.parse(b.start));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(new Set(starts).size).toBe(starts.length);
      expect(body.buckets.every((b) => b.count > 0)).toBe(true);
      expect(body.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(body.totals.count);
      if (query.granularity === 'total') expect(starts.every((s) => s === query.range.from)).toBe(true);
      else expect(starts.every((s) => s < query.range.to && s > query.range.from - 366 * DAY_MS)).toBe(true);
      const counted = events.filter((e) => {
        const ms = occurredAtMs(e);
        return ms >= query.range.from && ms < query.range.to && (query.types?.has(e.type) ?? true);
      });
      const micros = counted.reduce((sum, e) => sum + toQuantityMicros(e.quantity), 0n);
      expect(body.totals.quantityMicros).toBe(String(micros));
      expect(body.totals.quantity).toBe(fromQuantityMicros(micros));
      expect(BigInt(body.totals.quantityMicros)).toBe(
        body.buckets.reduce((sum, b) => sum + BigInt(b.quantityMicros), 0n),
      );
    },
  );
});
