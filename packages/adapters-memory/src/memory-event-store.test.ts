import {
  type ActivityEvent,
  type DayRange,
  dailyCountersOf,
  dayRange,
  EventStoreError,
  type QuarantinedRecord,
} from '@activity-history/core';
import { describeEventStoreContract } from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { createMemoryEventStore, DEFAULT_QUARANTINE_RETENTION_MS } from './memory-event-store.js';

describeEventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  let crashArmed = false;
  return {
    // The contract's crash concerns the next append only; the memory fault spans calls, so it is dropped after one.
    store: {
      ...store,
      append: async (events) => {
        try {
          return await store.append(events);
        } finally {
          if (crashArmed) store.faults.clear();
          crashArmed = false;
        }
      },
    },
    cleanup: async () => {},
    tamperCounter: store.tamperCounter,
    injectCrash: (afterWrites) => {
      crashArmed = true;
      store.faults.crashAfterWrites(afterWrites);
    },
  };
});

const range = (from: string, to: string): DayRange => {
  const r = dayRange(Date.parse(from), Date.parse(to));
  if (!r.ok) throw new Error('bad range');
  return r.value;
};
const ALL = range('2000-01-01T00:00:00Z', '2031-01-01T00:00:00Z');

const event = (eventId: string, occurredAt = '2026-03-01T12:00:00.000Z'): ActivityEvent => ({
  eventId,
  userId: 'u-1',
  type: 'x',
  occurredAt,
  quantity: 1,
  attributes: {},
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof EventStoreError ? error.failure : 'not an EventStoreError'),
  );

describe('createMemoryEventStore faults', () => {
  it('counts one write per event and one per touched user-day', async () => {
    const store = createMemoryEventStore();

    await store.append([event('a'), event('b'), event('c', '2026-03-02T00:00:00.000Z'), event('a')]);

    expect(store.writes()).toBe(4 + 2);
  });

  it('crashes after exactly n writes, once, leaving the writes before the crash in place', async () => {
    const store = createMemoryEventStore();
    store.faults.crashAfterWrites(2);

    expect(await failureOf(store.append([event('a'), event('b'), event('c')]))).toBe('unavailable');
    expect(store.writes()).toBe(2);
    expect((await store.readEvents('u-1', ALL)).map((e) => e.eventId).sort()).toEqual(['a', 'b']);
    // The crash fell before any counter write: the counters lag behind the events.
    expect(await store.readDailyCounters('u-1', ALL)).toEqual([]);

    expect((await store.append([event('a'), event('b'), event('c')])).map((o) => o.kind)).toEqual([
      'duplicate',
      'duplicate',
      'new',
    ]);
    expect(await store.readDailyCounters('u-1', ALL)).toEqual(
      dailyCountersOf([event('a'), event('b'), event('c')]),
    );
  });

  it('keeps a crash armed across calls until its write comes', async () => {
    const store = createMemoryEventStore();
    store.faults.crashAfterWrites(3);

    await store.append([event('a')]);
    expect(await failureOf(store.append([event('b')]))).toBe('unavailable');
    expect(await failureOf(store.append([event('c')]))).toBeNull();
  });

  it('heals stale counters when a duplicate of a crashed append comes again', async () => {
    const store = createMemoryEventStore();
    store.faults.crashAfterWrites(1);
    await failureOf(store.append([event('a')]));

    expect(await store.append([event('a')])).toEqual([{ kind: 'duplicate' }]);

    expect(await store.readDailyCounters('u-1', ALL)).toEqual(dailyCountersOf([event('a')]));
  });

  it('throttles the given number of write calls, then lets them through', async () => {
    const store = createMemoryEventStore();
    store.faults.throttle(2);

    expect(await failureOf(store.append([event('a')]))).toBe('throttled');
    expect(await failureOf(store.quarantine([]))).toBe('throttled');
    expect(await failureOf(store.append([event('a')]))).toBeNull();
    expect(await store.readEvents('u-1', ALL)).toHaveLength(1);
  });

  it("throttles every write call with 'always' until turned 'off', and never throttles reads", async () => {
    const store = createMemoryEventStore();
    store.faults.throttle('always');

    for (let i = 0; i < 5; i++) expect(await failureOf(store.append([event('a')]))).toBe('throttled');
    expect(await failureOf(store.repairCounters('u-1', ALL))).toBe('throttled');
    expect(await store.readEvents('u-1', ALL)).toEqual([]);

    store.faults.throttle('off');
    expect(await failureOf(store.append([event('a')]))).toBeNull();
  });

  it('makes drift with tamperCounter that only the counters show', async () => {
    const store = createMemoryEventStore();
    await store.append([event('a')]);

    await store.tamperCounter('u-1', '2026-03-01', null);

    expect(await store.readDailyCounters('u-1', ALL)).toEqual([]);
    expect(await store.readEvents('u-1', ALL)).toHaveLength(1);
  });
});

describe('createMemoryEventStore quarantine retention', () => {
  const record = (recordId: string, quarantinedAt: number): QuarantinedRecord => ({
    userId: 'u-1',
    eventId: null,
    reason: 'malformed_record',
    errors: [{ path: '', message: 'record data is not JSON' }],
    payload: 'not json',
    quarantinedAt,
    recordId,
    correlationId: null,
  });

  it('stops returning records once their retention has passed', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const store = createMemoryEventStore({ clock, quarantineRetentionMs: 1_000 });
    await store.quarantine([record('r-1', clock.now()), record('r-2', clock.now() + 500)]);

    clock.advance(999);
    expect((await store.readQuarantine('u-1', 10)).map((r) => r.recordId)).toEqual(['r-2', 'r-1']);
    clock.advance(1);
    expect((await store.readQuarantine('u-1', 10)).map((r) => r.recordId)).toEqual(['r-2']);
    clock.advance(500);
    expect(await store.readQuarantine('u-1', 10)).toEqual([]);
  });

  it('keeps records 30 days by default', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const store = createMemoryEventStore({ clock });
    await store.quarantine([record('r-1', clock.now())]);

    clock.advance(DEFAULT_QUARANTINE_RETENTION_MS - 1);
    expect(await store.readQuarantine('u-1', 10)).toHaveLength(1);
    clock.advance(1);
    expect(await store.readQuarantine('u-1', 10)).toEqual([]);
  });
});
