import { describe, expect, it } from 'vitest';
import {
  bucketStart,
  countBuckets,
  DAY_MS,
  dayKeyOf,
  dayKeyStart,
  type Granularity,
  startOfUtcDay,
} from './time-bucket.js';

const at = (text: string) => Date.parse(text);

describe('bucketStart', () => {
  it.each<[string, Granularity, string]>([
    // Days: the first and the last millisecond of a day, a leap day.
    ['2026-03-01T00:00:00.000Z', 'day', '2026-03-01T00:00:00Z'],
    ['2026-03-01T23:59:59.999Z', 'day', '2026-03-01T00:00:00Z'],
    ['2024-02-29T12:00:00Z', 'day', '2024-02-29T00:00:00Z'],
    // ISO weeks: Monday is the first day, Sunday the last; week 53 spans a year end.
    ['2026-03-02T00:00:00Z', 'week', '2026-03-02T00:00:00Z'],
    ['2026-03-08T23:59:59.999Z', 'week', '2026-03-02T00:00:00Z'],
    ['2020-12-31T12:00:00Z', 'week', '2020-12-28T00:00:00Z'],
    ['2021-01-03T23:59:59.999Z', 'week', '2020-12-28T00:00:00Z'],
    ['2021-01-04T00:00:00Z', 'week', '2021-01-04T00:00:00Z'],
    ['2026-01-01T10:00:00Z', 'week', '2025-12-29T00:00:00Z'],
    ['2027-01-01T00:00:00Z', 'week', '2026-12-28T00:00:00Z'],
    ['2024-03-03T12:00:00Z', 'week', '2024-02-26T00:00:00Z'],
    // Months, leap February included.
    ['2024-02-29T23:59:59.999Z', 'month', '2024-02-01T00:00:00Z'],
    ['2024-03-01T00:00:00Z', 'month', '2024-03-01T00:00:00Z'],
    ['2026-12-31T23:59:59.999Z', 'month', '2026-12-01T00:00:00Z'],
    // Years.
    ['2026-12-31T23:59:59.999Z', 'year', '2026-01-01T00:00:00Z'],
    ['2027-01-01T00:00:00Z', 'year', '2027-01-01T00:00:00Z'],
    ['2024-02-29T00:00:00Z', 'year', '2024-01-01T00:00:00Z'],
  ])('puts %s in the %s starting %s', (instant, granularity, expected) => {
    // Act
    const start = bucketStart(at(instant), granularity, 0);

    // Assert
    expect(new Date(start).toISOString()).toBe(new Date(at(expected)).toISOString());
  });

  it('puts every instant of a total in one bucket starting at the range start', () => {
    // Arrange
    const from = at('2026-02-15T00:00:00Z');

    // Act
    const starts = ['2026-02-15T00:00:00Z', '2026-12-31T23:59:59Z'].map((t) =>
      bucketStart(at(t), 'total', from),
    );

    // Assert
    expect(starts).toEqual([from, from]);
  });
});

describe('countBuckets', () => {
  it.each<[string, string, Granularity, number]>([
    ['2026-01-01', '2027-01-01', 'day', 365],
    ['2024-01-01', '2025-01-01', 'day', 366],
    ['2026-03-01', '2026-03-02', 'day', 1],
    ['2026-01-01', '2027-01-01', 'month', 12],
    ['2026-01-31', '2026-02-02', 'month', 2],
    ['2020-12-31', '2021-01-02', 'month', 2],
    ['2026-01-01', '2027-01-01', 'year', 1],
    ['2020-12-31', '2021-01-02', 'year', 2],
    ['2000-01-01', '2030-01-01', 'year', 30],
    // 2025-12-29 (Monday) to 2026-01-04 (Sunday) is one ISO week.
    ['2025-12-29', '2026-01-05', 'week', 1],
    ['2026-01-01', '2026-01-08', 'week', 2],
    // 2026 starts on a Thursday: its partial first week and 52 more.
    ['2026-01-01', '2027-01-01', 'week', 53],
    ['2000-01-01', '2030-01-01', 'total', 1],
  ])(
    'counts the buckets of [%s, %s) by %s as %d, partial ones included',
    (from, to, granularity, expected) => {
      // Act
      const count = countBuckets(at(`${from}T00:00:00Z`), at(`${to}T00:00:00Z`), granularity);

      // Assert
      expect(count).toBe(expected);
    },
  );
});

describe('UTC days', () => {
  it('starts a day at midnight UTC and names it YYYY-MM-DD', () => {
    // Arrange
    const lastMillisecond = at('2024-02-29T23:59:59.999Z');

    // Act
    const start = startOfUtcDay(lastMillisecond);
    const key = dayKeyOf(lastMillisecond);

    // Assert
    expect(start).toBe(at('2024-02-29T00:00:00Z'));
    expect(key).toBe('2024-02-29');
    expect(dayKeyStart(key)).toBe(start);
    expect(dayKeyOf(lastMillisecond + 1)).toBe('2024-03-01');
    expect(start + DAY_MS).toBe(lastMillisecond + 1);
  });
});
