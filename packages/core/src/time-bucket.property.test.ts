import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { dayArb, instantArb } from './testing/arbitraries.js';
import {
  bucketStart,
  countBuckets,
  DAY_MS,
  dayKeyOf,
  dayKeyStart,
  type Granularity,
  startOfUtcDay,
} from './time-bucket.js';

/** The calendar granularities (everything but `total`, whose bucket is the range). */
const calendarGranularityArb: fc.Arbitrary<Exclude<Granularity, 'total'>> = fc.constantFrom(
  'day',
  'week',
  'month',
  'year',
);

/** Any millisecond from 1970 to 2100, besides the edge-heavy instants of the shared arbitrary. */
const wideInstantArb: fc.Arbitrary<number> = fc.oneof(
  instantArb,
  fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
);

/** A day-aligned range of 1 to 800 days. */
const dayRangeArb: fc.Arbitrary<{ from: number; to: number }> = fc
  .tuple(dayArb, fc.integer({ min: 1, max: 800 }))
  .map(([from, days]) => ({ from, to: from + days * DAY_MS }));

/**
 * The start of the bucket after the one starting at `start`, written from the calendar rather than
 * from `bucketStart`, so that the properties check one against the other.
 */
const nextBucketStart = (start: number, granularity: Exclude<Granularity, 'total'>): number => {
  const date = new Date(start);
  switch (granularity) {
    case 'day':
      return start + DAY_MS;
    case 'week':
      return start + 7 * DAY_MS;
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    case 'year':
      return Date.UTC(date.getUTCFullYear() + 1, 0, 1);
  }
};

const aligned = (start: number, granularity: Exclude<Granularity, 'total'>): boolean => {
  const date = new Date(start);
  const midnight = start % DAY_MS === 0;
  switch (granularity) {
    case 'day':
      return midnight;
    case 'week':
      return midnight && date.getUTCDay() === 1;
    case 'month':
      return midnight && date.getUTCDate() === 1;
    case 'year':
      return midnight && date.getUTCDate() === 1 && date.getUTCMonth() === 0;
  }
};

describe('bucketStart', () => {
  test.prop([wideInstantArb, calendarGranularityArb], { numRuns: 1000 })(
    'starts at or before the instant, and the next bucket starts after it',
    (instant, granularity) => {
      // Act
      const start = bucketStart(instant, granularity, 0);

      // Assert
      expect(start).toBeLessThanOrEqual(instant);
      expect(nextBucketStart(start, granularity)).toBeGreaterThan(instant);
    },
  );

  test.prop([wideInstantArb, calendarGranularityArb], { numRuns: 1000 })(
    'is aligned on a UTC midnight that is a Monday, the 1st of a month or January 1st',
    (instant, granularity) => {
      // Act
      const start = bucketStart(instant, granularity, 0);

      // Assert
      expect(aligned(start, granularity)).toBe(true);
    },
  );

  test.prop([wideInstantArb, calendarGranularityArb], { numRuns: 1000 })(
    'is idempotent and gives every instant of the period the same start',
    (instant, granularity) => {
      // Arrange
      const start = bucketStart(instant, granularity, 0);
      const next = nextBucketStart(start, granularity);

      // Act
      const again = bucketStart(start, granularity, 0);
      const lastOfPeriod = bucketStart(next - 1, granularity, 0);
      const firstOfNext = bucketStart(next, granularity, 0);

      // Assert
      expect(again).toBe(start);
      expect(lastOfPeriod).toBe(start);
      expect(firstOfNext).toBe(next);
    },
  );

  test.prop([wideInstantArb, dayArb], { numRuns: 200 })(
    'puts a total in one bucket at the range start',
    (instant, from) => {
      // Act
      const start = bucketStart(instant, 'total', from);

      // Assert
      expect(start).toBe(from);
    },
  );
});

describe('countBuckets', () => {
  test.prop([dayRangeArb, fc.constantFrom<Granularity>('day', 'week', 'month', 'year', 'total')], {
    numRuns: 300,
  })('equals the number of distinct bucket starts of the days of the range', ({ from, to }, granularity) => {
    // Arrange
    const starts = new Set<number>();
    for (let day = from; day < to; day += DAY_MS) starts.add(bucketStart(day, granularity, from));

    // Act
    const count = countBuckets(from, to, granularity);

    // Assert
    expect(count).toBe(starts.size);
  });
});

describe('day keys', () => {
  test.prop([wideInstantArb], { numRuns: 500 })(
    'name the UTC day of an instant and lead back to its start',
    (instant) => {
      // Act
      const key = dayKeyOf(instant);

      // Assert
      expect(key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(dayKeyStart(key)).toBe(startOfUtcDay(instant));
    },
  );
});
