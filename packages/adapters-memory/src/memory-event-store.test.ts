import {
  type ActivityEvent,
  type DayRange,
  dayRange,
  EventStoreError,
  type QuarantinedRecord,
} from '@activity-history/core';
import {
  describeEventStoreContract,
  type EventStoreHarness,
  faultForNextAppend,
} from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { createMemoryEventStore, DEFAULT_QUARANTINE_RETENTION_MS } from './memory-event-store.js';

const memoryHarness = async (): Promise<EventStoreHarness> => {
  const store = createMemoryEventStore();
  return {
    ...faultForNextAppend(store, store.faults.injectWriteFault, store.faults.disarmWriteFault),
    cleanup: async () => store.faults.clear(),
    holdNextWrite: store.faults.holdNextWrite,
    tamperCounter: store.tamperCounter,
    tamperWatermark: store.tamperWatermark,
  };
};

describeEventStoreContract('memory', memoryHarness);

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
let sequence = 0;
const records = (events: readonly ActivityEvent[]) =>
  events.map((e) => ({
    event: e,
    position: { shard: 'shardId-000000000000', sequence: String(++sequence) },
  }));

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof EventStoreError ? error.failure : 'not an EventStoreError'),
  );

describe('memory event store', () => {
  it('makes one write per claim and one per counter of a (day, type) and shard', async () => {
    const store = createMemoryEventStore();
    await store.append(records([event('e-1'), event('e-2'), event('e-3', '2026-03-02T00:00:00.000Z')]));
    expect(store.writes()).toBe(3 + 2);
  });

  it('fails the write after n with crashAfterWrites, once, and is exact after the redelivery', async () => {
    const store = createMemoryEventStore();
    const batch = records([event('e-1'), event('e-2')]);
    store.faults.crashAfterWrites(2);
    expect(await failureOf(store.append(batch))).toBe('unavailable');
    await store.append(batch);
    const [day] = await store.readDailyCounters('u-1', ALL);
    expect(day?.summary.count).toBe(2);
  });

  it('refuses the events a refusal names, and stores the others', async () => {
    const store = createMemoryEventStore();
    store.faults.refuseEvents((e) => (e.eventId === 'e-2' ? 'too strange' : null));
    expect(await store.append(records([event('e-1'), event('e-2')]))).toEqual([
      { kind: 'new' },
      { kind: 'refused', message: 'too strange' },
    ]);
    expect((await store.readEvents('u-1', ALL)).map((e) => e.eventId)).toEqual(['e-1']);
  });

  it('repairs counters that agree with their events, watermarks included, without a write', async () => {
    const store = createMemoryEventStore();
    await store.append(records([event('e-1'), event('e-2', '2026-03-02T00:00:00.000Z')]));
    const before = store.writes();

    expect((await store.repairCounters('u-1', ALL)).fixed).toEqual([]);
    expect(store.writes()).toBe(before);

    await store.tamperWatermark('u-1', '2026-03-01', 'x', 'shardId-000000000000', '9'.repeat(30));
    await store.repairCounters('u-1', ALL);
    expect(store.writes()).toBe(before + 1);
  });

  it('throttles the next calls, then recovers', async () => {
    const store = createMemoryEventStore();
    store.faults.throttle(2);
    expect(await failureOf(store.append(records([event('e-1')])))).toBe('throttled');
    expect(await failureOf(store.quarantine([]))).toBe('throttled');
    expect(await failureOf(store.append(records([event('e-1')])))).toBeNull();
    store.faults.throttle('always');
    expect(await failureOf(store.repairCounters('u-1', ALL))).toBe('throttled');
    store.faults.throttle('off');
    expect(await failureOf(store.repairCounters('u-1', ALL))).toBeNull();
  });

  it('forgets quarantined records after their retention', async () => {
    const clock = createManualClock(Date.UTC(2026, 2, 1));
    const store = createMemoryEventStore({ clock });
    const record: QuarantinedRecord = {
      userId: 'u-1',
      eventId: 'e-1',
      reason: 'invalid_event',
      errors: [],
      payload: '{}',
      quarantinedAt: clock.now(),
      recordId: 'r-1',
      correlationId: null,
    };
    await store.quarantine([record]);
    clock.advance(DEFAULT_QUARANTINE_RETENTION_MS - 1);
    expect(await store.readQuarantine('u-1', 10)).toHaveLength(1);
    clock.advance(1);
    expect(await store.readQuarantine('u-1', 10)).toEqual([]);
  });
});
