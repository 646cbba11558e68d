import { describe, expect, it } from 'vitest';
import {
  ALL_TIME,
  type EventStoreHarnessFactory,
  event,
  expectExact,
  failureOf,
  harnessFor,
  namespaced,
  testShard,
  userBatch,
} from './harness.js';

/**
 * Concurrency: a zombie writer (a timed-out delivery whose counter write lands after the
 * redelivery, whole or cut differently), two writers on one user-day, and overlapping concurrent
 * appends all leave one version per key and exact counters.
 *
 * @example
 * ```ts
 * describeConcurrencyContract('memory', async () => memoryHarness());
 * ```
 */
export const describeConcurrencyContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (concurrency): ${name}`, () => {
    const harness = harnessFor(factory);

    it('a zombie whose counter write lands after the redelivery counted nothing twice', async () => {
      const { store } = harness;
      const user = namespaced('zombie')('u-1');
      const batch = testShard().records(userBatch(user, 6));
      const held = harness.holdNextWrite('counter');

      const zombie = store.append(batch);
      await held.reached;
      await store.append(batch);
      held.release();
      await zombie;

      await expectExact(
        store,
        user,
        batch.map((r) => r.event),
      );
    });

    it('a zombie that lands between the halves of a redelivery cut in two, joined by later records', async () => {
      const { store } = harness;
      const user = namespaced('zombie-recut')('u-1');
      const shard = testShard();
      const batch = shard.records(userBatch(user, 6));
      const later = shard.records(userBatch(user, 4, 'later'));
      const held = harness.holdNextWrite('counter');

      const zombie = store.append(batch);
      await held.reached;
      await store.append(batch.slice(0, 3));
      held.release();
      await zombie;
      await store.append([...batch.slice(3), ...later]);

      await expectExact(
        store,
        user,
        [...batch, ...later].map((r) => r.event),
      );
    });

    it('a zombie that lands after later records of its shard were counted adds nothing twice', async () => {
      const { store } = harness;
      const user = namespaced('zombie-late')('u-1');
      const shard = testShard();
      const batch = shard.records(userBatch(user, 3));
      const later = shard.records(userBatch(user, 3, 'later'));
      const held = harness.holdNextWrite('counter');

      const zombie = store.append(batch);
      await held.reached;
      await store.append([...batch, ...later]);
      held.release();
      await zombie;

      await expectExact(
        store,
        user,
        [...batch, ...later].map((r) => r.event),
      );
    });

    it('two writers on one user-day, from two shards, count every event once', async () => {
      const { store } = harness;
      const user = namespaced('two-writers')('u-1');
      const mine = testShard().records(userBatch(user, 12, 'a'));
      const theirs = testShard().records(userBatch(user, 12, 'b'));

      await Promise.all([store.append(mine), store.append(theirs), store.append(mine)]);

      await expectExact(
        store,
        user,
        [...mine, ...theirs].map((r) => r.event),
      );
    });

    it('resolves concurrent deliveries of overlapping records for one user-day exactly, one version per key', async () => {
      const { store } = harness;
      const user = namespaced('concurrent')('u-1');
      const shard = testShard();
      const events = Array.from({ length: 12 }, (_, i) =>
        event({
          userId: user,
          eventId: `e-${i}`,
          occurredAt: `2026-03-01T0${i % 10}:00:00.000Z`,
          quantity: i + 1,
        }),
      );
      const records = shard.records(events);
      const rival = testShard().records([{ ...events[0]!, quantity: 99 }]);
      // Deliveries of a shard start where the last delivery stood, however they are cut.
      const batches = [
        records.slice(0, 8),
        records,
        [...rival, ...records.slice(0, 6)],
        records.slice(0, 10),
      ];

      const outcomes = (await Promise.all(batches.map((batch) => store.append(batch)))).flat();

      const stored = await store.readEvents(user, ALL_TIME);
      const winner = stored.find((e) => e.eventId === 'e-0')!;
      expect(outcomes.filter((o) => o.kind === 'new')).toHaveLength(events.length);
      expect([1, 99]).toContain(winner.quantity);
      await expectExact(
        store,
        user,
        events.map((e) => (e.eventId === 'e-0' ? winner : e)),
      );
    });

    it('a zombie that fails after its write landed is healed by the redelivery, not doubled', async () => {
      const { store } = harness;
      const user = namespaced('zombie-lost')('u-1');
      const batch = testShard().records(userBatch(user, 4));
      harness.injectWriteFault({ kind: 'lostAnswer', atWrite: 4 });

      expect(await failureOf(() => store.append(batch))).not.toBeNull();
      await Promise.all([store.append(batch), store.append(batch)]);

      await expectExact(
        store,
        user,
        batch.map((r) => r.event),
      );
    });
  });
};
