import { describe, expect, it } from 'vitest';
import {
  addEvent,
  counterDrift,
  type DailyCounter,
  dailyCountersOf,
  emptySummary,
  filterTypes,
  mergeSummaries,
  type Summary,
  summariesEqual,
} from './activity-summary.js';
import { normalizeEvent } from './testing/arbitraries.js';

const event = (eventId: string, type: string, occurredAt: string, quantity?: number) =>
  normalizeEvent({
    eventId,
    userId: 'u-1',
    type,
    occurredAt,
    ...(quantity === undefined ? {} : { quantity }),
  });

const summaryOf = (...events: ReturnType<typeof event>[]): Summary => events.reduce(addEvent, emptySummary());

describe('addEvent', () => {
  it('counts the event and adds its quantity in millionths, overall and for its type', () => {
    // Arrange
    const events = [
      event('e-1', 'track.played', '2026-03-01T10:00:00Z', 2.5),
      event('e-2', 'track.played', '2026-03-01T11:00:00Z'),
      event('e-3', 'page.read', '2026-03-01T12:00:00Z', 0.000001),
    ];

    // Act
    const summary = events.reduce(addEvent, emptySummary());

    // Assert
    expect(summary).toEqual({
      count: 3,
      quantityMicros: 3_500_001n,
      byType: new Map([
        ['track.played', { count: 2, quantityMicros: 3_500_000n }],
        ['page.read', { count: 1, quantityMicros: 1n }],
      ]),
    });
  });

  it('sums 0.1 and 0.2 to exactly 300,000 millionths', () => {
    // Act
    const summary = summaryOf(
      event('e-1', 'x', '2026-03-01T10:00:00Z', 0.1),
      event('e-2', 'x', '2026-03-01T10:00:00Z', 0.2),
    );

    // Assert
    expect(summary.quantityMicros).toBe(300_000n);
  });

  it('sums past 2^53 millionths exactly: 10,000 events of 1,000,000 make 10^16 millionths', () => {
    // Arrange
    const events = Array.from({ length: 10_000 }, (_, i) =>
      event(`e-${i}`, 'x', '2026-03-01T10:00:00Z', 1_000_000),
    );

    // Act
    const summary = dailyCountersOf(events)[0]?.summary;
    const folded = summaryOf(...events);

    // Assert
    expect(summary?.quantityMicros).toBe(10n ** 16n);
    expect(folded.quantityMicros).toBe(10n ** 16n);
    expect(summary?.quantityMicros).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(summary?.byType.get('x')).toEqual({ count: 10_000, quantityMicros: 10n ** 16n });
  });

  it.each(['constructor', 'tostring', 'valueof', 'hasownproperty'])(
    'counts a type named %s like any other type',
    (type) => {
      // Act
      const summary = summaryOf(
        event('e-1', type, '2026-03-01T10:00:00Z', 2),
        event('e-2', type, '2026-03-01T11:00:00Z'),
        event('e-3', 'x', '2026-03-01T12:00:00Z'),
      );

      // Assert
      expect(summary.byType.get(type)).toEqual({ count: 2, quantityMicros: 3_000_000n });
      expect([...summary.byType.keys()].sort()).toEqual([type, 'x'].sort());
      expect(
        dailyCountersOf([event('e-4', type, '2026-03-01T10:00:00Z')])[0]?.summary.byType.get(type),
      ).toEqual({
        count: 1,
        quantityMicros: 1_000_000n,
      });
    },
  );

  it('leaves the summary it is given unchanged', () => {
    // Arrange
    const before = summaryOf(event('e-1', 'x', '2026-03-01T10:00:00Z'));

    // Act
    addEvent(before, event('e-2', 'x', '2026-03-01T10:00:00Z'));

    // Assert
    expect(before).toEqual({
      count: 1,
      quantityMicros: 1_000_000n,
      byType: new Map([['x', { count: 1, quantityMicros: 1_000_000n }]]),
    });
  });
});

describe('mergeSummaries', () => {
  it('adds counts and quantities, type by type', () => {
    // Arrange
    const a = summaryOf(
      event('e-1', 'x', '2026-03-01T10:00:00Z', 2),
      event('e-2', 'y', '2026-03-01T10:00:00Z'),
    );
    const b = summaryOf(
      event('e-3', 'y', '2026-03-02T10:00:00Z', 3),
      event('e-4', 'z', '2026-03-02T10:00:00Z'),
    );

    // Act
    const merged = mergeSummaries(a, b);

    // Assert
    expect(merged).toEqual({
      count: 4,
      quantityMicros: 7_000_000n,
      byType: new Map([
        ['x', { count: 1, quantityMicros: 2_000_000n }],
        ['y', { count: 2, quantityMicros: 4_000_000n }],
        ['z', { count: 1, quantityMicros: 1_000_000n }],
      ]),
    });
  });
});

describe('filterTypes', () => {
  const summary = summaryOf(
    event('e-1', 'track.played', '2026-03-01T10:00:00Z', 2),
    event('e-2', 'page.read', '2026-03-01T10:00:00Z', 5),
    event('e-3', 'run_km', '2026-03-01T10:00:00Z', 7),
  );

  it('keeps only the types asked for, totals included', () => {
    // Act
    const filtered = filterTypes(summary, new Set(['track.played', 'run_km', 'never.seen']));

    // Assert
    expect(filtered).toEqual({
      count: 2,
      quantityMicros: 9_000_000n,
      byType: new Map([
        ['track.played', { count: 1, quantityMicros: 2_000_000n }],
        ['run_km', { count: 1, quantityMicros: 7_000_000n }],
      ]),
    });
  });

  it('keeps everything when no types are asked for', () => {
    // Act
    const filtered = filterTypes(summary, null);

    // Assert
    expect(filtered).toEqual(summary);
  });

  it('gives the empty summary when none of the types occur', () => {
    // Act
    const filtered = filterTypes(summary, new Set(['other']));

    // Assert
    expect(filtered).toEqual(emptySummary());
  });
});

describe('dailyCountersOf', () => {
  it('keeps one summary per UTC day of the instant, in day order', () => {
    // Arrange: written in local offsets, these fall on other UTC days than their local dates.
    const events = [
      event('e-1', 'x', '2026-03-02T01:00:00+05:00'),
      event('e-2', 'x', '2026-02-28T23:30:00-01:00'),
      event('e-3', 'y', '2026-03-01T00:00:00Z', 4),
      event('e-4', 'x', '2024-02-29T23:59:59.999Z'),
    ];

    // Act
    const counters = dailyCountersOf(events);

    // Assert
    expect(counters.map((c) => [c.day, c.summary.count, c.summary.quantityMicros])).toEqual([
      ['2024-02-29', 1, 1_000_000n],
      ['2026-03-01', 3, 6_000_000n],
    ]);
  });

  it('gives no counters for no events', () => {
    // Act
    const counters = dailyCountersOf([]);

    // Assert
    expect(counters).toEqual([]);
  });
});

describe('summariesEqual', () => {
  it('compares totals and each type, whatever the key order', () => {
    // Arrange
    const a = summaryOf(event('e-1', 'x', '2026-03-01T10:00:00Z'), event('e-2', 'y', '2026-03-01T10:00:00Z'));
    const b = summaryOf(event('e-2', 'y', '2026-03-01T10:00:00Z'), event('e-1', 'x', '2026-03-01T10:00:00Z'));
    const other = summaryOf(
      event('e-1', 'x', '2026-03-01T10:00:00Z'),
      event('e-2', 'z', '2026-03-01T10:00:00Z'),
    );
    const heavier = summaryOf(
      event('e-1', 'x', '2026-03-01T10:00:00Z', 2),
      event('e-2', 'y', '2026-03-01T10:00:00Z'),
    );

    // Act
    const verdicts = [summariesEqual(a, b), summariesEqual(a, other), summariesEqual(a, heavier)];

    // Assert
    expect(verdicts).toEqual([true, false, false]);
  });
});

describe('counterDrift', () => {
  const monday = summaryOf(event('e-1', 'x', '2026-03-02T10:00:00Z'));
  const tuesday = summaryOf(event('e-2', 'x', '2026-03-03T10:00:00Z', 3));
  const counter = (day: string, summary: Summary): DailyCounter => ({ day, summary });

  it('finds no drift when the counters equal the recomputed ones', () => {
    // Act
    const drift = counterDrift(
      [counter('2026-03-02', monday), counter('2026-03-03', tuesday)],
      [counter('2026-03-03', tuesday), counter('2026-03-02', monday)],
    );

    // Assert
    expect(drift).toEqual([]);
  });

  it('ignores a zero counter on a day without events', () => {
    // Act
    const drift = counterDrift([counter('2026-03-01', emptySummary())], []);

    // Assert
    expect(drift).toEqual([]);
  });

  it('reports, day by day in order, a wrong counter, a missing counter and a counter without events', () => {
    // Act
    const drift = counterDrift(
      [counter('2026-03-04', monday), counter('2026-03-02', tuesday)],
      [counter('2026-03-02', monday), counter('2026-03-03', tuesday)],
    );

    // Assert
    expect(drift).toEqual([
      { day: '2026-03-02', counter: tuesday, events: monday },
      { day: '2026-03-03', counter: null, events: tuesday },
      { day: '2026-03-04', counter: monday, events: null },
    ]);
  });
});
