import { describe, expect, it } from 'vitest';
import type { Summary } from '../../activity-summary.js';
import { dayRange } from '../../day-range.js';
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

const inflated: Summary = {
  count: 7,
  quantityMicros: 7_000_000n,
  byType: new Map([['track.played', { count: 7, quantityMicros: 7_000_000n }]]),
};

/**
 * Repair: it reports the days whose counters drifted, as they were, and brings every counter of
 * the range back to what its events add up to, whatever the counter held (figures, watermarks)
 * or whether it existed; appends after it count again; and it is safe while appends go on.
 *
 * @example
 * ```ts
 * describeRepairContract('memory', async () => memoryHarness());
 * ```
 */
export const describeRepairContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (repair): ${name}`, () => {
    const harness = harnessFor(factory);

    it('reports nothing and changes nothing when the counters are right', async () => {
      const { store } = harness;
      const user = namespaced('repair-clean')('u-1');
      const stored = [event({ userId: user, eventId: 'e-1' }), event({ userId: user, eventId: 'e-2' })];
      await store.append(testShard().records(stored));

      const repair = await store.repairCounters(user, ALL_TIME);

      expect(repair.fixed).toEqual([]);
      expect(repair.userId).toBe(user);
      await expectExact(store, user, stored);
    });

    it('reports the days whose counters drifted, as they were, and fixes them', async () => {
      const { store } = harness;
      const user = namespaced('repair')('u-1');
      const monday = event({ userId: user, eventId: 'e-1', occurredAt: '2026-03-02T10:00:00.000Z' });
      const tuesday = event({ userId: user, eventId: 'e-2', occurredAt: '2026-03-03T10:00:00.000Z' });
      await store.append(testShard().records([monday, tuesday]));
      await harness.tamperCounter(user, '2026-03-02', inflated);
      await harness.tamperCounter(user, '2026-03-03', null);
      await harness.tamperCounter(user, '2026-03-04', inflated);

      const repair = await store.repairCounters(user, ALL_TIME);

      expect(repair.fixed.map((d) => [d.day, d.counter?.count ?? null, d.events?.count ?? null])).toEqual([
        ['2026-03-02', 7, 1],
        ['2026-03-03', null, 1],
        ['2026-03-04', 7, null],
      ]);
      await expectExact(store, user, [monday, tuesday]);
      expect((await store.repairCounters(user, ALL_TIME)).fixed).toEqual([]);
    });

    it('repairs only the days of the range it is given', async () => {
      const { store } = harness;
      const user = namespaced('repair-range')('u-1');
      const stored = event({ userId: user, eventId: 'e-1', occurredAt: '2026-03-02T10:00:00.000Z' });
      await store.append(testShard().records([stored]));
      await harness.tamperCounter(user, '2026-03-02', null);

      const elsewhere = await store.repairCounters(
        user,
        unwrap(dayRange(Date.UTC(2026, 2, 3), Date.UTC(2026, 2, 10))),
      );
      expect(elsewhere.fixed).toEqual([]);
      expect(await store.readDailyCounters(user, ALL_TIME)).toEqual([]);

      const here = await store.repairCounters(
        user,
        unwrap(dayRange(Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 3))),
      );
      expect(here.fixed.map((d) => d.day)).toEqual(['2026-03-02']);
      await expectExact(store, user, [stored]);
    });

    it('converges from a watermark above every record, and later records count again', async () => {
      const { store } = harness;
      const user = namespaced('repair-watermark')('u-1');
      const shard = testShard();
      const first = event({ userId: user, eventId: 'e-1' });
      const later = event({ userId: user, eventId: 'e-2' });
      await store.append(shard.records([first]));
      await harness.tamperCounter(user, '2026-03-01', inflated);
      await harness.tamperWatermark(user, '2026-03-01', 'track.played', shard.id, '9'.repeat(60));

      await store.append(shard.records([later]));
      // A store with watermarks leaves `later` uncounted (7); one without counts it (8): either
      // way the report shows the counter as it was before the repair.
      const [before] = await store.readDailyCounters(user, ALL_TIME);
      const repair = await store.repairCounters(user, ALL_TIME);
      expect([7, 8]).toContain(before?.summary.count);
      expect(repair.fixed.map((d) => [d.day, d.counter?.count, d.events?.count])).toEqual([
        ['2026-03-01', before?.summary.count, 2],
      ]);
      await expectExact(store, user, [first, later]);

      const next = event({ userId: user, eventId: 'e-3' });
      await store.append(shard.records([next]));
      await expectExact(store, user, [first, later, next]);
    });

    it('converges from a counter that lost its watermark: a redelivery after the repair adds nothing', async () => {
      const { store } = harness;
      const user = namespaced('repair-no-watermark')('u-1');
      const shard = testShard();
      const records = shard.records([
        event({ userId: user, eventId: 'e-1' }),
        event({ userId: user, eventId: 'e-2' }),
      ]);
      await store.append(records);
      await harness.tamperWatermark(user, '2026-03-01', 'track.played', shard.id, null);

      await store.repairCounters(user, ALL_TIME);
      await store.append(records);

      await expectExact(
        store,
        user,
        records.map((r) => r.event),
      );
    });

    it('fixes a counter whose count alone drifted, and one whose quantity alone drifted', async () => {
      const { store } = harness;
      const user = namespaced('repair-one-figure')('u-1');
      const monday = event({
        userId: user,
        eventId: 'e-1',
        occurredAt: '2026-03-02T10:00:00.000Z',
        quantity: 2,
      });
      const tuesday = event({
        userId: user,
        eventId: 'e-2',
        occurredAt: '2026-03-03T10:00:00.000Z',
        quantity: 2,
      });
      await store.append(testShard().records([monday, tuesday]));
      const tally = (count: number, quantityMicros: bigint): Summary => ({
        count,
        quantityMicros,
        byType: new Map([['track.played', { count, quantityMicros }]]),
      });
      await harness.tamperCounter(user, '2026-03-02', tally(2, 2_000_000n));
      await harness.tamperCounter(user, '2026-03-03', tally(1, 3_000_000n));

      const repair = await store.repairCounters(user, ALL_TIME);

      expect(repair.fixed.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03']);
      await expectExact(store, user, [monday, tuesday]);
    });

    it('converges from a watermark below the records it counted: a redelivery after the repair adds nothing', async () => {
      const { store } = harness;
      const user = namespaced('repair-low-watermark')('u-1');
      const shard = testShard();
      const records = shard.records([
        event({ userId: user, eventId: 'e-1' }),
        event({ userId: user, eventId: 'e-2' }),
      ]);
      await store.append(records);
      await harness.tamperWatermark(user, '2026-03-01', 'track.played', shard.id, '1');

      expect((await store.repairCounters(user, ALL_TIME)).fixed).toEqual([]);
      await store.append(records);

      await expectExact(
        store,
        user,
        records.map((r) => r.event),
      );
    });

    const raced: readonly { readonly when: string; readonly tamper: Summary | null }[] = [
      {
        when: 'reads again when its overwrite meets a counter that an append moved meanwhile',
        tamper: inflated,
      },
      {
        when: 'does not overwrite a counter that an append created while it recreated a missing one',
        tamper: null,
      },
    ];
    for (const { when, tamper } of raced) {
      it(when, async () => {
        const { store } = harness;
        const user = namespaced('repair-raced')('u-1');
        const shard = testShard();
        const first = event({ userId: user, eventId: 'e-1' });
        await store.append(shard.records([first]));
        await harness.tamperCounter(user, '2026-03-01', tamper);
        const held = harness.holdNextWrite('counter');

        const repair = store.repairCounters(user, ALL_TIME);
        await held.reached;
        const later = event({ userId: user, eventId: 'e-2' });
        await store.append(shard.records([later]));
        held.release();
        await repair;

        await expectExact(store, user, [first, later]);
      });
    }

    it('never counts twice while appends of the same user-day go on, and the next repair is exact', async () => {
      const { store } = harness;
      const user = namespaced('repair-concurrent')('u-1');
      const shard = testShard();
      const events = Array.from({ length: 30 }, (_, i) =>
        event({ userId: user, eventId: `e-${i}`, quantity: i + 1 }),
      );
      const records = shard.records(events);
      await store.append(records.slice(0, 10));
      await harness.tamperCounter(user, '2026-03-01', inflated);

      await Promise.all([
        store.append(records.slice(10, 20)),
        store.repairCounters(user, ALL_TIME),
        store.append(records.slice(20)),
        store.repairCounters(user, ALL_TIME),
      ]);

      // A repair that reads between two claims of one append counts the later one and not the
      // earlier (claims land in any order): it may leave too little, never too much.
      const [racing] = await store.readDailyCounters(user, ALL_TIME);
      expect(racing?.summary.count).toBeLessThanOrEqual(events.length);
      await store.repairCounters(user, ALL_TIME);
      await expectExact(store, user, events);
    });
  });
};
