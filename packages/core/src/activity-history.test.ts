import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from './activity-event.js';
import { formatInstant, historyBody, rollUp } from './activity-history.js';
import { dailyCountersOf } from './activity-summary.js';
import { type HistoryParameters, type HistoryQuery, parseHistoryQuery } from './day-range.js';
import { normalizeEvent } from './testing/arbitraries.js';

const NOW = Date.UTC(2026, 5, 1);

let sequence = 0;
const event = (type: string, occurredAt: string, quantity?: number): ActivityEvent =>
  normalizeEvent({
    eventId: `e-${++sequence}`,
    userId: 'u-1',
    type,
    occurredAt,
    ...(quantity === undefined ? {} : { quantity }),
  });

const query = (parameters: HistoryParameters): HistoryQuery => {
  const parsed = parseHistoryQuery('u-1', parameters, NOW);
  if (!parsed.ok) throw new Error(`test query is invalid: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
};

const bodyOf = (parameters: HistoryParameters, events: readonly ActivityEvent[]) =>
  historyBody(rollUp(query(parameters), dailyCountersOf(events)));

describe('historyBody of a rolled-up history', () => {
  it('has the contract shape: range and granularity, totals, sparse ascending buckets, types sorted', () => {
    // Arrange
    const events = [
      event('track.played', '2026-03-15T10:00:00Z', 3),
      event('page.read', '2026-01-10T10:00:00Z', 2),
      event('track.played', '2026-01-31T23:59:59.999Z'),
    ];

    // Act
    const body = bodyOf({ from: '2026-01-01', to: '2026-04-01', granularity: 'month' }, events);

    // Assert
    expect(body).toEqual({
      userId: 'u-1',
      from: '2026-01-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      granularity: 'month',
      totals: {
        count: 3,
        quantity: 6,
        quantityMicros: '6000000',
        byType: {
          'page.read': { count: 1, quantity: 2, quantityMicros: '2000000' },
          'track.played': { count: 2, quantity: 4, quantityMicros: '4000000' },
        },
      },
      buckets: [
        {
          start: '2026-01-01T00:00:00Z',
          count: 2,
          quantity: 3,
          quantityMicros: '3000000',
          byType: {
            'page.read': { count: 1, quantity: 2, quantityMicros: '2000000' },
            'track.played': { count: 1, quantity: 1, quantityMicros: '1000000' },
          },
        },
        {
          start: '2026-03-01T00:00:00Z',
          count: 1,
          quantity: 3,
          quantityMicros: '3000000',
          byType: { 'track.played': { count: 1, quantity: 3, quantityMicros: '3000000' } },
        },
      ],
    });
    expect(Object.keys(body.totals.byType)).toEqual(['page.read', 'track.played']);
  });

  it('shows 0.1 + 0.2 as exactly 0.3', () => {
    // Act
    const body = bodyOf({ from: '2026-01-01', to: '2026-02-01' }, [
      event('x', '2026-01-02T00:00:00Z', 0.1),
      event('x', '2026-01-03T00:00:00Z', 0.2),
    ]);

    // Assert
    expect(body.totals.quantity).toBe(0.3);
    expect(body.buckets[0]!.quantity).toBe(0.3);
    expect(JSON.stringify(body.totals.byType)).toBe(
      '{"x":{"count":2,"quantity":0.3,"quantityMicros":"300000"}}',
    );
  });

  it('starts a week bucket on its Monday and a month bucket on the 1st, even before from', () => {
    // Arrange: 2026-01-01 is a Thursday.
    const events = [event('x', '2026-01-02T12:00:00Z'), event('x', '2026-01-05T00:00:00Z')];

    // Act
    const weeks = bodyOf({ from: '2026-01-01', to: '2026-01-12', granularity: 'week' }, events);
    const months = bodyOf({ from: '2026-01-02', to: '2026-02-01', granularity: 'month' }, events);

    // Assert
    expect(weeks.buckets.map((b) => [b.start, b.count])).toEqual([
      ['2025-12-29T00:00:00Z', 1],
      ['2026-01-05T00:00:00Z', 1],
    ]);
    expect(weeks.from).toBe('2026-01-01T00:00:00Z');
    expect(months.buckets.map((b) => [b.start, b.count])).toEqual([['2026-01-01T00:00:00Z', 2]]);
  });

  it('counts only events in [from, to), even where their bucket reaches further', () => {
    // Arrange: the Monday and the Sunday of the week of 2026-01-01, and the day `to` names.
    const events = [
      event('x', '2025-12-29T12:00:00Z'),
      event('x', '2025-12-31T23:59:59.999Z'),
      event('x', '2026-01-01T00:00:00Z'),
      event('x', '2026-01-03T23:59:59.999Z'),
      event('x', '2026-01-04T00:00:00Z'),
    ];

    // Act
    const body = bodyOf({ from: '2026-01-01', to: '2026-01-04', granularity: 'week' }, events);

    // Assert
    expect(body.totals.count).toBe(2);
    expect(body.buckets).toEqual([
      {
        start: '2025-12-29T00:00:00Z',
        count: 2,
        quantity: 2,
        quantityMicros: '2000000',
        byType: { x: { count: 2, quantity: 2, quantityMicros: '2000000' } },
      },
    ]);
  });

  it('gives a total one bucket starting at from', () => {
    // Act
    const body = bodyOf({ from: '2025-06-15', to: '2026-06-01', granularity: 'total' }, [
      event('x', '2025-07-01T00:00:00Z'),
      event('y', '2026-05-31T23:59:59Z', 4),
    ]);

    // Assert
    expect(body.buckets).toEqual([
      {
        start: '2025-06-15T00:00:00Z',
        count: 2,
        quantity: 5,
        quantityMicros: '5000000',
        byType: {
          x: { count: 1, quantity: 1, quantityMicros: '1000000' },
          y: { count: 1, quantity: 4, quantityMicros: '4000000' },
        },
      },
    ]);
  });

  it('gives zeros and no buckets to a user with no events', () => {
    // Act
    const body = bodyOf({ granularity: 'day' }, []);

    // Assert
    expect(body).toEqual({
      userId: 'u-1',
      from: '2026-01-01T00:00:00Z',
      to: '2026-06-02T00:00:00Z',
      granularity: 'day',
      totals: { count: 0, quantity: 0, quantityMicros: '0', byType: {} },
      buckets: [],
    });
  });

  it('keeps only the asked types, leaving out buckets that held only others', () => {
    // Arrange
    const events = [
      event('track.played', '2026-01-05T10:00:00Z', 2),
      event('page.read', '2026-01-06T10:00:00Z', 9),
      event('page.read', '2026-01-12T10:00:00Z'),
      event('run_km', '2026-01-13T10:00:00Z', 5),
    ];

    // Act
    const body = bodyOf(
      { from: '2026-01-01', to: '2026-02-01', granularity: 'week', type: 'track.played,run_km' },
      events,
    );

    // Assert
    expect(body.totals).toEqual({
      count: 2,
      quantity: 7,
      quantityMicros: '7000000',
      byType: {
        run_km: { count: 1, quantity: 5, quantityMicros: '5000000' },
        'track.played': { count: 1, quantity: 2, quantityMicros: '2000000' },
      },
    });
    expect(body.buckets.map((b) => [b.start, Object.keys(b.byType)])).toEqual([
      ['2026-01-05T00:00:00Z', ['track.played']],
      ['2026-01-12T00:00:00Z', ['run_km']],
    ]);
  });
});

describe('formatInstant', () => {
  it('writes whole seconds without milliseconds, and keeps them when there are some', () => {
    // Act
    const texts = [formatInstant(Date.UTC(2026, 0, 1)), formatInstant(Date.UTC(2026, 0, 1, 0, 0, 0, 5))];

    // Assert
    expect(texts).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.005Z']);
  });
});
