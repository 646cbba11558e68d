import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conflictingVariantArb, duplicateInputArb, normalizeEvent, validEventArb } from '../arbitraries.js';
import {
  ALL_TIME,
  type EventStoreHarnessFactory,
  event,
  expectExact,
  firstVersions,
  harnessFor,
  kinds,
  namespaced,
  nextRun,
  testShard,
} from './harness.js';

/**
 * Appending: `new | duplicate | conflict` outcomes (the first version stands), content compared
 * after normalization, users kept apart, every event of the validated domain stored and returned
 * as it was, and counters equal to what the stored events add up to, without a ceiling on sums,
 * types per day or events per day.
 *
 * @example
 * ```ts
 * describeAppendContract('memory', async () => memoryHarness());
 * ```
 */
export const describeAppendContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (append): ${name}`, () => {
    const harness = harnessFor(factory);

    it('reports new, then duplicate for a resend, then conflict carrying the stored version', async () => {
      const { store } = harness;
      const shard = testShard();
      const user = namespaced('outcomes')('u-1');
      const first = event({ userId: user, eventId: 'e-1', quantity: 2 });
      const changed = { ...first, quantity: 3 };

      expect(await store.append(shard.records([first]))).toEqual([{ kind: 'new' }]);
      expect(await store.append(shard.records([first]))).toEqual([{ kind: 'duplicate' }]);
      expect(await store.append(shard.records([changed]))).toEqual([{ kind: 'conflict', stored: first }]);
      await expectExact(store, user, [first]);
    });

    it('judges repeats within one batch against the first occurrence, in order', async () => {
      const { store } = harness;
      const user = namespaced('batch')('u-1');
      const first = event({ userId: user, eventId: 'e-1' });
      const changed = { ...first, type: 'page.read' };
      const other = event({ userId: user, eventId: 'e-2' });

      const outcomes = await store.append(testShard().records([first, other, first, changed, other]));

      expect(outcomes).toEqual([
        { kind: 'new' },
        { kind: 'new' },
        { kind: 'duplicate' },
        { kind: 'conflict', stored: first },
        { kind: 'duplicate' },
      ]);
      await expectExact(store, user, [first, other]);
    });

    it('judges any resend spelled differently as a duplicate and any changed content as a conflict', async () => {
      const users = namespaced('normalized-property');
      await fc.assert(
        fc.asyncProperty(
          validEventArb({ userId: fc.constant('u-1') }).chain((original) =>
            fc.tuple(fc.constant(original), duplicateInputArb(original), conflictingVariantArb(original)),
          ),
          async ([original, resend, variant]) => {
            const user = users(`${nextRun()}`);
            const stored = { ...original, userId: user };
            const outcomes = await harness.store.append(
              testShard().records([
                stored,
                normalizeEvent({ ...resend, userId: user }),
                { ...variant, userId: user },
              ]),
            );
            expect(kinds(outcomes)).toEqual(['new', 'duplicate', 'conflict']);
            await expectExact(harness.store, user, [stored]);
          },
        ),
        { numRuns: 10 },
      );
    });

    it('keeps users apart: the same event id for two users is two events', async () => {
      const { store } = harness;
      const users = namespaced('isolation');
      const mine = event({ userId: users('u-1'), eventId: 'e-1', quantity: 2 });
      const theirs = event({ userId: users('u-2'), eventId: 'e-1', type: 'page.read' });

      expect(kinds(await store.append(testShard().records([mine])))).toEqual(['new']);
      expect(kinds(await store.append(testShard().records([theirs])))).toEqual(['new']);

      await expectExact(store, mine.userId, [mine]);
      await expectExact(store, theirs.userId, [theirs]);
    });

    it('stores every event of the validated domain as it was, and counts it exactly, through redeliveries and resends', async () => {
      const namespace = namespaced('domain');
      const workloadArb = fc
        .array(validEventArb({ userId: fc.constant('u-1') }), { minLength: 1, maxLength: 10 })
        .chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 4 }),
            fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 4 }),
            fc.boolean(),
          ),
        );
      await fc.assert(
        fc.asyncProperty(workloadArb, async ([events, resent, cuts, redeliver]) => {
          const user = namespace(`${nextRun()}`);
          const mine = events.map((e) => ({ ...e, userId: user }));
          const shard = testShard();
          // Resends are new records; the sequence is cut into batches, each maybe delivered twice.
          const records = shard.records([...mine, ...resent.map((i) => mine[i]!)]);
          let start = 0;
          for (const cut of [...cuts, records.length]) {
            const batch = records.slice(start, start + cut + 1);
            start += batch.length;
            if (batch.length === 0) continue;
            await harness.store.append(batch);
            if (redeliver) await harness.store.append(batch);
          }
          const expected = firstVersions(records.map((r) => r.event));
          await expectExact(harness.store, user, expected);
        }),
        { numRuns: 25 },
      );
    });

    it('counts any number of types on one user-day', async () => {
      const { store } = harness;
      const user = namespaced('types')('u-1');
      const events = Array.from({ length: 1_200 }, (_, i) =>
        event({ userId: user, eventId: `e-${i}`, type: `t.${i.toString(36)}`, quantity: 1_000_000 }),
      );
      const shard = testShard();
      for (let i = 0; i < events.length; i += 500)
        await store.append(shard.records(events.slice(i, i + 500)));

      const [day] = await store.readDailyCounters(user, ALL_TIME);
      expect(day?.summary.count).toBe(1_200);
      expect(day?.summary.byType.size).toBe(1_200);
      await expectExact(store, user, events);
    });

    it('counts types that spell Object.prototype members like any other type', async () => {
      const { store } = harness;
      const user = namespaced('prototype')('u-1');
      const types = ['constructor', 'tostring', 'valueof', 'hasownproperty', 'isprototypeof'];
      const events = types.map((type, i) =>
        event({
          userId: user,
          eventId: `e-${i}`,
          type,
          attributes: { toString: 'x', valueOf: 2 ** 60, hasOwnProperty: true },
        }),
      );

      await store.append(testShard().records([...events, ...events]));

      const [day] = await store.readDailyCounters(user, ALL_TIME);
      expect([...(day?.summary.byType.keys() ?? [])].sort()).toEqual([...types].sort());
      expect(day?.summary.byType.get('constructor')).toEqual({ count: 1, quantityMicros: 1_000_000n });
      await expectExact(store, user, events);
    });

    it('keeps sums exact beyond 2^53 millionths on one user-day', { timeout: 240_000 }, async () => {
      const { store } = harness;
      const user = namespaced('big-sums')('u-1');
      // 9,100 events of the largest quantity: 9.1e15 millionths, past 2^53 (about 9.007e15).
      const events = Array.from({ length: 9_100 }, (_, i) =>
        event({
          userId: user,
          eventId: `e-${i}`,
          quantity: 1_000_000,
          occurredAt: '2026-03-01T12:00:00.000Z',
        }),
      );
      const shard = testShard();
      for (let i = 0; i < events.length; i += 500)
        await store.append(shard.records(events.slice(i, i + 500)));

      const [day] = await store.readDailyCounters(user, ALL_TIME);
      expect(day?.summary.count).toBe(9_100);
      expect(day?.summary.quantityMicros).toBe(9_100n * 1_000_000_000_000n);
      expect(await store.readEvents(user, ALL_TIME)).toHaveLength(9_100);
    });
  });
};
