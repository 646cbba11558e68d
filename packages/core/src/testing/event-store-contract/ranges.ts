import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../activity-event.js';
import { dayRange } from '../../day-range.js';
import { DAY_MS } from '../../time-bucket.js';
import {
  ALL_TIME,
  type EventStoreHarnessFactory,
  event,
  expectExact,
  harnessFor,
  namespaced,
  testShard,
  unwrap,
} from './harness.js';

/**
 * Reading: half-open day ranges, counters in ascending day order, nothing for an unknown user,
 * and copies that a caller may change without changing what is stored.
 *
 * @example
 * ```ts
 * describeRangeContract('memory', async () => memoryHarness());
 * ```
 */
export const describeRangeContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (ranges): ${name}`, () => {
    const harness = harnessFor(factory);

    it('returns the days and events of [from, to) only, counters in ascending day order', async () => {
      const { store } = harness;
      const user = namespaced('range')('u-1');
      const at = (instant: number, eventId: string) =>
        event({ userId: user, eventId, occurredAt: new Date(instant).toISOString() });
      const from = Date.UTC(2024, 1, 28);
      const to = Date.UTC(2024, 2, 1);
      const before = at(from - 1, 'before');
      const firstMs = at(from, 'first-ms');
      const leapDay = at(Date.UTC(2024, 1, 29, 12), 'leap-day');
      const lastMs = at(to - 1, 'last-ms');
      const after = at(to, 'after');
      await store.append(testShard().records([after, lastMs, leapDay, firstMs, before]));

      const range = unwrap(dayRange(from, to));
      const counters = await store.readDailyCounters(user, range);
      const events = await store.readEvents(user, range);

      expect(counters.map((c) => [c.day, c.summary.count])).toEqual([
        ['2024-02-28', 1],
        ['2024-02-29', 2],
      ]);
      expect(events.map((e) => e.eventId).sort()).toEqual(['first-ms', 'last-ms', 'leap-day']);
      expect(await store.readEvents(user, unwrap(dayRange(to, to + DAY_MS)))).toEqual([after]);
    });

    it('returns nothing for a user without events', async () => {
      const { store } = harness;
      const user = namespaced('empty')('nobody');
      expect(await store.readDailyCounters(user, ALL_TIME)).toEqual([]);
      expect(await store.readEvents(user, ALL_TIME)).toEqual([]);
      expect(await store.readQuarantine(user, 20)).toEqual([]);
    });

    it('hands out copies: changing what was read changes nothing stored', async () => {
      const { store } = harness;
      const user = namespaced('copies')('u-1');
      const stored = event({ userId: user, eventId: 'e-1', attributes: { a: 1 } });
      await store.append(testShard().records([stored]));

      const [read] = (await store.readEvents(user, ALL_TIME)) as ActivityEvent[];
      (read!.attributes as Record<string, unknown>).a = 2;
      const [counter] = await store.readDailyCounters(user, ALL_TIME);
      (counter!.summary as { count: number }).count = 50;

      await expectExact(store, user, [stored]);
    });
  });
};
