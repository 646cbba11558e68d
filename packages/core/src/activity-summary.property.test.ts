import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { ActivityEvent } from './activity-event.js';
import {
  addEvent,
  counterDrift,
  dailyCountersOf,
  emptySummary,
  mergeSummaries,
  type Summary,
  summariesEqual,
  type Tally,
} from './activity-summary.js';
import { toQuantityMicros } from './quantity.js';
import { validEventArb } from './testing/arbitraries.js';

/** Up to 40 valid, normalized events (duplicate keys do not matter to a fold). */
const eventsArb: fc.Arbitrary<ActivityEvent[]> = fc.array(validEventArb(), { maxLength: 40 });

/** A tally whose sum may lie far beyond 2^53 millionths, as a long-lived counter's may. */
const tallyArb: fc.Arbitrary<Tally> = fc.record({
  count: fc.nat(),
  quantityMicros: fc.bigInt({ min: 0n, max: 2n ** 80n }),
});

/**
 * A summary: of some events, or built from large tallies over types that include names of
 * `Object.prototype` members, so merges are checked where doubles would lose units.
 */
const summaryArb: fc.Arbitrary<Summary> = fc.oneof(
  eventsArb.map((events) => events.reduce(addEvent, emptySummary())),
  fc
    .dictionary(fc.constantFrom('constructor', 'tostring', 'valueof', 'x', 'track.played'), tallyArb, {
      noNullPrototype: true,
    })
    .map((tallies) => {
      const byType = new Map(Object.entries(tallies));
      const all = [...byType.values()];
      return {
        count: all.reduce((sum, t) => sum + t.count, 0),
        quantityMicros: all.reduce((sum, t) => sum + t.quantityMicros, 0n),
        byType,
      };
    }),
);

/** Events, the same events in another order, and cut points that split the reordered list into batches. */
const reorderedBatchesArb = eventsArb.chain((events) =>
  fc.record({
    events: fc.constant(events),
    shuffled: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
    cuts: fc.uniqueArray(fc.integer({ min: 0, max: events.length }), { maxLength: 6 }),
  }),
);

const fold = (events: readonly ActivityEvent[]): Summary => events.reduce(addEvent, emptySummary());

describe('mergeSummaries', () => {
  test.prop([summaryArb, summaryArb, summaryArb], { numRuns: 200 })('is associative', (a, b, c) => {
    // Act
    const left = mergeSummaries(mergeSummaries(a, b), c);
    const right = mergeSummaries(a, mergeSummaries(b, c));

    // Assert
    expect(left).toEqual(right);
  });

  test.prop([summaryArb, summaryArb], { numRuns: 200 })('is commutative', (a, b) => {
    // Act
    const ab = mergeSummaries(a, b);
    const ba = mergeSummaries(b, a);

    // Assert
    expect(ab).toEqual(ba);
    expect(summariesEqual(ab, ba)).toBe(true);
  });

  test.prop([summaryArb], { numRuns: 200 })('has the empty summary as its identity', (a) => {
    // Act
    const left = mergeSummaries(emptySummary(), a);
    const right = mergeSummaries(a, emptySummary());

    // Assert
    expect(left).toEqual(a);
    expect(right).toEqual(a);
  });

  test.prop([eventsArb, eventsArb], { numRuns: 200 })('of two folds equals the fold of both', (xs, ys) => {
    // Act
    const merged = mergeSummaries(fold(xs), fold(ys));

    // Assert
    expect(merged).toEqual(fold([...xs, ...ys]));
  });
});

describe('the fold of events into a summary', () => {
  test.prop([reorderedBatchesArb], { numRuns: 300 })(
    'does not depend on the order of the events or on how they are split into batches',
    ({ events, shuffled, cuts }) => {
      // Arrange
      const bounds = [0, ...[...cuts].sort((a, b) => a - b), shuffled.length];
      const batches = bounds.slice(1).map((end, i) => shuffled.slice(bounds[i], end));

      // Act
      const batched = batches.map(fold).reduce(mergeSummaries, emptySummary());

      // Assert
      expect(batched).toEqual(fold(events));
    },
  );

  test.prop([eventsArb], { numRuns: 200 })(
    'counts every event and sums quantities exactly, in millionths',
    (events) => {
      // Act
      const summary = fold(events);

      // Assert
      expect(summary.count).toBe(events.length);
      expect(summary.quantityMicros).toBe(events.reduce((sum, e) => sum + toQuantityMicros(e.quantity), 0n));
      const tallies = [...summary.byType.values()];
      expect(tallies.reduce((sum, t) => sum + t.count, 0)).toBe(summary.count);
      expect(tallies.reduce((sum, t) => sum + t.quantityMicros, 0n)).toBe(summary.quantityMicros);
    },
  );
});

describe('dailyCountersOf', () => {
  test.prop([reorderedBatchesArb], { numRuns: 200 })(
    'gives counters that merge to the fold of all events, whatever the event order',
    ({ events, shuffled }) => {
      // Act
      const counters = dailyCountersOf(shuffled);

      // Assert
      expect(counters.map((c) => c.summary).reduce(mergeSummaries, emptySummary())).toEqual(fold(events));
      expect(counterDrift(counters, dailyCountersOf(events))).toEqual([]);
    },
  );

  test.prop([eventsArb.filter((events) => events.length > 0)], { numRuns: 200 })(
    "counters recomputed from all but one event drift on exactly that event's day",
    (events) => {
      // Arrange
      const [dropped, ...rest] = events as [ActivityEvent, ...ActivityEvent[]];

      // Act
      const drift = counterDrift(dailyCountersOf(events), dailyCountersOf(rest));

      // Assert
      expect(drift.map((d) => d.day)).toEqual([dropped.occurredAt.slice(0, 10)]);
    },
  );
});
