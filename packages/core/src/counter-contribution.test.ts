import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from './activity-event.js';
import {
  type Claim,
  type CounterContribution,
  dailyCountersOfTallies,
  expectedCounters,
  firstOccurrences,
  incrementOf,
  planAppend,
  uncounted,
} from './counter-contribution.js';
import type { PositionedEvent } from './ports/event-store.js';

const event = (eventId: string, overrides: Partial<ActivityEvent> = {}): ActivityEvent => ({
  eventId,
  userId: 'u-1',
  type: 'track.played',
  occurredAt: '2026-03-01T12:00:00.000Z',
  quantity: 1,
  attributes: {},
  ...overrides,
});
const at = (e: ActivityEvent, sequence: string, shard = 's-1'): PositionedEvent => ({
  event: e,
  position: { shard, sequence },
});

describe('planAppend', () => {
  it('counts what this call stored, and what an earlier delivery of the same record stored', () => {
    const entries = [
      at(event('e-1'), '10'),
      at(event('e-2', { quantity: 2.5 }), '11'),
      at(event('e-3'), '12'),
    ];
    const claims: Claim[] = [
      { kind: 'stored' },
      { kind: 'taken', stored: event('e-2', { quantity: 2.5 }), origin: { shard: 's-1', sequence: '0011' } },
      { kind: 'taken', stored: event('e-3'), origin: { shard: 's-1', sequence: '5' } },
    ];

    const plan = planAppend(entries, claims);

    expect(plan.outcomes).toEqual([{ kind: 'new' }, { kind: 'duplicate' }, { kind: 'duplicate' }]);
    expect(plan.contributions).toEqual([
      {
        userId: 'u-1',
        day: '2026-03-01',
        type: 'track.played',
        shard: 's-1',
        items: [
          { sequence: '10', quantityMicros: 1_000_000n },
          { sequence: '11', quantityMicros: 2_500_000n },
        ],
      },
    ]);
  });

  it('judges repeats against the first occurrence and counts the stored version in its own day and type', () => {
    const stored = event('e-1', { type: 'page.read', occurredAt: '2026-03-02T00:00:00.000Z' });
    const changed = event('e-1');
    const entries = [at(changed, '20'), at(changed, '21'), at(event('e-1', { quantity: 3 }), '22')];
    const plan = planAppend(entries, [{ kind: 'taken', stored, origin: { shard: 's-1', sequence: '21' } }]);

    expect(plan.outcomes).toEqual([
      { kind: 'conflict', stored },
      { kind: 'conflict', stored },
      { kind: 'conflict', stored },
    ]);
    // The second occurrence is the record that stored the event: it counts, once, as stored.
    expect(plan.contributions.map((c) => [c.day, c.type, c.items.map((i) => i.sequence)])).toEqual([
      ['2026-03-02', 'page.read', ['21']],
    ]);
  });

  it('passes refusals on and counts nothing for them', () => {
    const plan = planAppend([at(event('e-1'), '1')], [{ kind: 'refused', message: 'too large' }]);
    expect(plan.outcomes).toEqual([{ kind: 'refused', message: 'too large' }]);
    expect(plan.contributions).toEqual([]);
  });

  it('keeps a repeat of a key this call stored as a duplicate or a conflict of the first occurrence', () => {
    const first = event('e-1');
    const plan = planAppend(
      [at(first, '1'), at(first, '2'), at(event('e-1', { quantity: 9 }), '3')],
      [{ kind: 'stored' }],
    );
    expect(plan.outcomes).toEqual([
      { kind: 'new' },
      { kind: 'duplicate' },
      { kind: 'conflict', stored: first },
    ]);
    expect(plan.contributions[0]?.items.map((i) => i.sequence)).toEqual(['1']);
  });

  it('needs one claim per first occurrence', () => {
    expect(() => planAppend([at(event('e-1'), '1'), at(event('e-1'), '2')], [])).toThrow(
      'planAppend needs one claim per first occurrence (1), got 0',
    );
    expect(
      firstOccurrences([at(event('e-1'), '1'), at(event('e-1'), '2'), at(event('e-2'), '3')]),
    ).toHaveLength(2);
  });

  it('keeps each shard and each day and type apart, items in sequence order', () => {
    const entries = [
      at(event('a'), '30', 's-2'),
      at(event('b'), '9', 's-1'),
      at(event('c', { type: 'x' }), '8', 's-1'),
      at(event('d'), '7', 's-1'),
    ];
    const plan = planAppend(
      entries,
      entries.map((): Claim => ({ kind: 'stored' })),
    );
    expect(plan.contributions.map((c) => [c.shard, c.type, c.items.map((i) => i.sequence)])).toEqual([
      ['s-2', 'track.played', ['30']],
      ['s-1', 'track.played', ['7', '9']],
      ['s-1', 'x', ['8']],
    ]);
  });
});

describe('watermarks', () => {
  const contribution: CounterContribution = {
    userId: 'u-1',
    day: '2026-03-01',
    type: 't',
    shard: 's-1',
    items: [
      { sequence: '9', quantityMicros: 1n },
      { sequence: '10', quantityMicros: 2n },
      { sequence: '11', quantityMicros: 4n },
    ],
  };

  it('leaves only what lies past the watermark, by value', () => {
    expect(uncounted(contribution, null)).toEqual(contribution);
    expect(uncounted(contribution, '9').items.map((i) => i.sequence)).toEqual(['10', '11']);
    expect(uncounted(contribution, '010').items.map((i) => i.sequence)).toEqual(['11']);
    expect(uncounted(contribution, '11').items).toEqual([]);
  });

  it('adds a contribution as one increment that moves the watermark from its first item to its last', () => {
    expect(incrementOf(contribution)).toEqual({ count: 3, quantityMicros: 7n, first: '9', last: '11' });
    expect(incrementOf({ ...contribution, items: [] })).toBeNull();
  });
});

describe('expectedCounters', () => {
  it('gives per day and type the figures of the stored events and, per shard, their highest origin', () => {
    const expected = expectedCounters([
      { event: event('a', { quantity: 0.5 }), origin: { shard: 's-1', sequence: '9' } },
      { event: event('b'), origin: { shard: 's-1', sequence: '10' } },
      { event: event('c'), origin: { shard: 's-2', sequence: '3' } },
      { event: event('d', { type: 'x' }), origin: { shard: 's-1', sequence: '2' } },
      // An origin below the highest one seen leaves the watermark where it is.
      { event: event('e', { quantity: 0.000001 }), origin: { shard: 's-1', sequence: '8' } },
    ]);
    expect(expected).toEqual([
      {
        userId: 'u-1',
        day: '2026-03-01',
        type: 'track.played',
        count: 4,
        quantityMicros: 2_500_001n,
        watermarks: new Map([
          ['s-1', '10'],
          ['s-2', '3'],
        ]),
      },
      {
        userId: 'u-1',
        day: '2026-03-01',
        type: 'x',
        count: 1,
        quantityMicros: 1_000_000n,
        watermarks: new Map([['s-1', '2']]),
      },
    ]);
  });

  it('rolls per-type counters up into days, ascending, leaving empty ones out', () => {
    const days = dailyCountersOfTallies([
      { userId: 'u', day: '2026-03-04', type: 'a', count: 1, quantityMicros: 7n },
      { userId: 'u', day: '2026-03-02', type: 'a', count: 1, quantityMicros: 5n },
      { userId: 'u', day: '2026-03-01', type: 'a', count: 2, quantityMicros: 1n },
      { userId: 'u', day: '2026-03-01', type: 'b', count: 1, quantityMicros: 2n },
      { userId: 'u', day: '2026-03-03', type: 'a', count: 0, quantityMicros: 0n },
    ]);
    expect(days).toEqual([
      {
        day: '2026-03-01',
        summary: {
          count: 3,
          quantityMicros: 3n,
          byType: new Map([
            ['a', { count: 2, quantityMicros: 1n }],
            ['b', { count: 1, quantityMicros: 2n }],
          ]),
        },
      },
      {
        day: '2026-03-02',
        summary: { count: 1, quantityMicros: 5n, byType: new Map([['a', { count: 1, quantityMicros: 5n }]]) },
      },
      {
        day: '2026-03-04',
        summary: { count: 1, quantityMicros: 7n, byType: new Map([['a', { count: 1, quantityMicros: 7n }]]) },
      },
    ]);
  });
});
