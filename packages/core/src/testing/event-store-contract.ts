import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../activity-event.js';
import { counterDrift, dailyCountersOf, type Summary } from '../activity-summary.js';
import { type DayRange, dayRange } from '../day-range.js';
import { EventStoreError } from '../errors.js';
import type { AppendOutcome, EventStore } from '../ports/event-store.js';
import type { QuarantinedRecord, QuarantineReason } from '../quarantine.js';
import { DAY_MS, type DayKey } from '../time-bucket.js';
import {
  ARBITRARY_NOW,
  conflictingVariantArb,
  duplicateInputArb,
  normalizeEvent,
  validEventArb,
  writeInstant,
} from './arbitraries.js';

/**
 * What the event store contract needs from an adapter: the store, a way to clean up, and optional
 * fault capabilities. With `tamperCounter` the suite also drills drift repair; with `injectCrash` it
 * crashes appends at every write index and checks that a redelivery heals them.
 */
export interface EventStoreHarness {
  readonly store: EventStore;
  cleanup(): Promise<void>;
  /** Overwrites (or deletes, with `null`) a user-day counter behind the store's back. */
  tamperCounter?(userId: string, day: DayKey, summary: Summary | null): Promise<void>;
  /**
   * Makes the next `append` fail with a retryable `EventStoreError` after `afterWrites` of its
   * internal writes (a crash between two writes); when it makes fewer writes, it succeeds and the
   * fault is dropped.
   */
  injectCrash?(afterWrites: number): void;
}

/** Every day the generated events can fall on. */
const ALL_TIME = unwrap(dayRange(Date.UTC(2000, 0, 1), ARBITRARY_NOW + DAY_MS));

function unwrap(range: ReturnType<typeof dayRange>): DayRange {
  if (!range.ok) throw new Error(`bad test range: ${JSON.stringify(range.error)}`);
  return range.value;
}

const byKey = (a: ActivityEvent, b: ActivityEvent) =>
  a.userId === b.userId ? (a.eventId < b.eventId ? -1 : 1) : a.userId < b.userId ? -1 : 1;

/** Keeps the first version of each (`userId`, `eventId`): what a store must hold. */
const firstVersions = (events: readonly ActivityEvent[]): ActivityEvent[] => {
  const first = new Map<string, ActivityEvent>();
  for (const event of events) {
    const key = JSON.stringify([event.userId, event.eventId]);
    if (!first.has(key)) first.set(key, event);
  }
  return [...first.values()];
};

/** Asserts that the store holds exactly `expected` for the user, and counters that add them up. */
const expectExact = async (store: EventStore, userId: string, expected: readonly ActivityEvent[]) => {
  const mine = expected.filter((event) => event.userId === userId);
  const stored = await store.readEvents(userId, ALL_TIME);
  expect([...stored].sort(byKey)).toEqual([...mine].sort(byKey));
  const counters = await store.readDailyCounters(userId, ALL_TIME);
  expect(counterDrift(counters, dailyCountersOf(mine))).toEqual([]);
};

let namespaces = 0;
/** A fresh user namespace per test, so tests (and property runs) share one store without meeting. */
const namespaced = (tag: string) => {
  const prefix = `t${Date.now().toString(36)}${(namespaces++).toString(36)}`;
  return (userId: string) => `${prefix}-${tag}.${userId}`.slice(0, 128);
};

const event = (
  overrides: Partial<ActivityEvent> & Pick<ActivityEvent, 'userId' | 'eventId'>,
): ActivityEvent => ({
  type: 'track.played',
  occurredAt: '2026-03-01T12:00:00.000Z',
  quantity: 1,
  attributes: {},
  ...overrides,
});

const quarantined = (
  userId: string,
  recordId: string,
  reason: QuarantineReason,
  quarantinedAt: number,
): QuarantinedRecord => ({
  userId,
  eventId: `e-${recordId}`,
  reason,
  errors: [{ path: 'quantity', message: 'quantity must be greater than 0' }],
  payload: `{"recordId":"${recordId}"}`,
  quarantinedAt,
  recordId,
  correlationId: `c-${recordId}`,
});

const kinds = (outcomes: readonly AppendOutcome[]) => outcomes.map((outcome) => outcome.kind);

/**
 * The behaviour every {@link EventStore} adapter must have, as a vitest suite: idempotent appends
 * with `new | duplicate | conflict` outcomes (the first version stands), content compared after
 * normalization, per-user isolation, counters that always equal what the stored events add up to,
 * half-open day ranges, quarantine, repair of drift, and exact results after a crash at any write
 * followed by redelivery, and under concurrent appends. Call it from an adapter's test file.
 *
 * @example
 * ```ts
 * describeEventStoreContract('memory', async () => {
 *   const store = createMemoryEventStore();
 *   return { store, cleanup: async () => {}, tamperCounter: store.tamperCounter, injectCrash: store.faults.crashAfterWrites };
 * });
 * ```
 */
export const describeEventStoreContract = (name: string, factory: () => Promise<EventStoreHarness>): void => {
  describe(`EventStore contract: ${name}`, async () => {
    // The optional capabilities decide which tests exist, so they are probed while collecting.
    const probe = await factory();
    const canTamper = probe.tamperCounter !== undefined;
    const canCrash = probe.injectCrash !== undefined;
    await probe.cleanup();

    let harness: EventStoreHarness;
    let store: EventStore;
    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterAll(async () => {
      await harness.cleanup();
    });

    describe('append', () => {
      it('reports new, then duplicate for the same content, then conflict carrying the stored version', async () => {
        const user = namespaced('outcomes')('u-1');
        const first = event({ userId: user, eventId: 'e-1', quantity: 2 });
        const changed = { ...first, quantity: 3 };

        expect(await store.append([first])).toEqual([{ kind: 'new' }]);
        expect(await store.append([first])).toEqual([{ kind: 'duplicate' }]);
        expect(await store.append([changed])).toEqual([{ kind: 'conflict', stored: first }]);
        await expectExact(store, user, [first]);
      });

      it('judges repeats within one batch against the first occurrence, in order', async () => {
        const user = namespaced('batch')('u-1');
        const first = event({ userId: user, eventId: 'e-1' });
        const changed = { ...first, type: 'page.read' };
        const other = event({ userId: user, eventId: 'e-2' });

        const outcomes = await store.append([first, other, first, changed, other]);

        expect(outcomes).toEqual([
          { kind: 'new' },
          { kind: 'new' },
          { kind: 'duplicate' },
          { kind: 'conflict', stored: first },
          { kind: 'duplicate' },
        ]);
        await expectExact(store, user, [first, other]);
      });

      it('treats the same content written differently as a duplicate (offset, default quantity, attribute order)', async () => {
        const user = namespaced('normalized')('u-1');
        const original = normalizeEvent({
          eventId: 'e-1',
          userId: user,
          type: 'track.played',
          occurredAt: '2026-01-01T00:30:00+01:00',
          attributes: { a: 1, b: 'x' },
        });
        const resend = normalizeEvent({
          eventId: 'e-1',
          userId: user,
          type: 'track.played',
          occurredAt: '2025-12-31T18:30:00-05:00',
          quantity: 1,
          attributes: { b: 'x', a: 1 },
        });

        expect(await store.append([original])).toEqual([{ kind: 'new' }]);
        expect(await store.append([resend])).toEqual([{ kind: 'duplicate' }]);
        await expectExact(store, user, [original]);
      });

      it('judges any resend spelled differently as a duplicate and any changed content as a conflict', async () => {
        const users = namespaced('normalized-property');
        await fc.assert(
          fc.asyncProperty(
            validEventArb({ userId: fc.constant('u-1') }).chain((original) =>
              fc.tuple(fc.constant(original), duplicateInputArb(original), conflictingVariantArb(original)),
            ),
            async ([original, resend, variant]) => {
              const user = users(`${namespaces++}`);
              const stored = { ...original, userId: user };
              const outcomes = await store.append([
                stored,
                normalizeEvent({ ...resend, userId: user }),
                { ...variant, userId: user },
              ]);
              expect(kinds(outcomes)).toEqual(['new', 'duplicate', 'conflict']);
              await expectExact(store, user, [stored]);
            },
          ),
          { numRuns: 10 },
        );
      });

      it('keeps users apart: the same event id for two users is two events', async () => {
        const users = namespaced('isolation');
        const mine = event({ userId: users('u-1'), eventId: 'e-1', quantity: 2 });
        const theirs = event({ userId: users('u-2'), eventId: 'e-1', type: 'page.read' });

        expect(kinds(await store.append([mine, theirs]))).toEqual(['new', 'new']);

        await expectExact(store, mine.userId, [mine]);
        await expectExact(store, theirs.userId, [theirs]);
      });

      it('keeps counters equal to what the first versions of the appended events add up to, after any sequence of appends', async () => {
        const namespace = namespaced('sequence');
        const batchesArb = fc
          .array(validEventArb({ userId: fc.constantFrom('u-1', 'u-2') }), { minLength: 1, maxLength: 12 })
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 6 }),
              fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 4 }),
            ),
          );
        await fc.assert(
          fc.asyncProperty(batchesArb, async ([events, repeats, cuts]) => {
            const run = namespace(`${namespaces++}`);
            const mine = events.map((e) => ({ ...e, userId: `${run}.${e.userId}` }));
            // Resends of earlier events, then the whole sequence cut into batches.
            const sequence = [...mine, ...repeats.map((i) => mine[i]!)];
            const expected = firstVersions(sequence);
            let start = 0;
            for (const cut of [...cuts, sequence.length]) {
              const batch = sequence.slice(start, start + cut + 1);
              start += batch.length;
              if (batch.length > 0) await store.append(batch);
            }
            for (const user of new Set(mine.map((e) => e.userId))) await expectExact(store, user, expected);
          }),
          { numRuns: 8 },
        );
      });

      it('resolves concurrent appends of overlapping batches for one user-day exactly, one version per key', async () => {
        const user = namespaced('concurrent')('u-1');
        const events = Array.from({ length: 12 }, (_, i) =>
          event({
            userId: user,
            eventId: `e-${i}`,
            occurredAt: `2026-03-01T0${i % 10}:00:00.000Z`,
            quantity: i + 1,
          }),
        );
        const rival = { ...events[0]!, quantity: 99 };
        const batches = [events.slice(0, 8), events.slice(4, 12), [rival, ...events.slice(2, 6)], events];

        const outcomes = (await Promise.all(batches.map((batch) => store.append(batch)))).flat();

        const stored = await store.readEvents(user, ALL_TIME);
        const winner = stored.find((e) => e.eventId === 'e-0')!;
        const expected = events.map((e) => (e.eventId === 'e-0' ? winner : e));
        // Exactly one `new` per key, whichever batch won each race.
        expect(outcomes.filter((o) => o.kind === 'new')).toHaveLength(events.length);
        expect([1, 99]).toContain(winner.quantity);
        await expectExact(store, user, expected);
      });
    });

    describe('reading a range', () => {
      it('returns the days and events of [from, to) only, counters in ascending day order', async () => {
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
        await store.append([after, lastMs, leapDay, firstMs, before]);

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
        const user = namespaced('empty')('nobody');
        expect(await store.readDailyCounters(user, ALL_TIME)).toEqual([]);
        expect(await store.readEvents(user, ALL_TIME)).toEqual([]);
        expect(await store.readQuarantine(user, 20)).toEqual([]);
      });

      it('hands out copies: changing what was read changes nothing stored', async () => {
        const user = namespaced('copies')('u-1');
        const stored = event({ userId: user, eventId: 'e-1', attributes: { a: 1 } });
        await store.append([stored]);

        const [read] = (await store.readEvents(user, ALL_TIME)) as ActivityEvent[];
        (read!.attributes as Record<string, unknown>).a = 2;
        const [counter] = await store.readDailyCounters(user, ALL_TIME);
        (counter!.summary as { count: number }).count = 50;

        await expectExact(store, user, [stored]);
      });
    });

    describe('quarantine', () => {
      it("returns a user's quarantined records newest first, at most `limit`", async () => {
        const users = namespaced('quarantine');
        const user = users('u-1');
        const now = Date.now();
        const records = [3, 1, 4, 2, 5].map((n) =>
          quarantined(user, `r-${n}`, n % 2 === 0 ? 'conflict' : 'invalid_event', now + n),
        );
        await store.quarantine([...records, quarantined(users('u-2'), 'r-9', 'malformed_record', now + 9)]);

        const latest = await store.readQuarantine(user, 3);

        expect(latest.map((r) => r.recordId)).toEqual(['r-5', 'r-4', 'r-3']);
        expect(latest[0]).toEqual(records[4]);
        expect((await store.readQuarantine(user, 20)).map((r) => r.reason)).toEqual([
          'invalid_event',
          'conflict',
          'invalid_event',
          'conflict',
          'invalid_event',
        ]);
      });

      it('keeps one entry per record and reason however often the record is quarantined', async () => {
        const user = namespaced('quarantine-idempotent')('u-1');
        const now = Date.now();
        const record = quarantined(user, 'r-1', 'invalid_event', now);

        await store.quarantine([record]);
        await store.quarantine([record, { ...record, quarantinedAt: now + 1 }]);
        await store.quarantine([{ ...record, reason: 'conflict', quarantinedAt: now + 2 }]);

        const kept = await store.readQuarantine(user, 20);
        expect(kept.map((r) => [r.recordId, r.reason])).toEqual([
          ['r-1', 'conflict'],
          ['r-1', 'invalid_event'],
        ]);
      });
    });

    describe('repairCounters', () => {
      it('reports nothing and changes nothing when the counters are right', async () => {
        const user = namespaced('repair-clean')('u-1');
        const stored = [event({ userId: user, eventId: 'e-1' }), event({ userId: user, eventId: 'e-2' })];
        await store.append(stored);

        const repair = await store.repairCounters(user, ALL_TIME);

        expect(repair.fixed).toEqual([]);
        expect(repair.userId).toBe(user);
        await expectExact(store, user, stored);
      });

      if (canTamper) {
        it('reports the days whose counters drifted, as they were, and fixes them', async () => {
          const user = namespaced('repair')('u-1');
          const monday = event({ userId: user, eventId: 'e-1', occurredAt: '2026-03-02T10:00:00.000Z' });
          const tuesday = event({ userId: user, eventId: 'e-2', occurredAt: '2026-03-03T10:00:00.000Z' });
          await store.append([monday, tuesday]);
          const inflated: Summary = {
            count: 7,
            quantityMicros: 7_000_000,
            byType: { 'track.played': { count: 7, quantityMicros: 7_000_000 } },
          };
          await harness.tamperCounter!(user, '2026-03-02', inflated);
          await harness.tamperCounter!(user, '2026-03-03', null);
          await harness.tamperCounter!(user, '2026-03-04', inflated);

          const repair = await store.repairCounters(user, ALL_TIME);

          expect(repair.fixed.map((d) => [d.day, d.counter?.count ?? null, d.events?.count ?? null])).toEqual(
            [
              ['2026-03-02', 7, 1],
              ['2026-03-03', null, 1],
              ['2026-03-04', 7, null],
            ],
          );
          await expectExact(store, user, [monday, tuesday]);
          expect((await store.repairCounters(user, ALL_TIME)).fixed).toEqual([]);
        });

        it('repairs only the days of the range it is given', async () => {
          const user = namespaced('repair-range')('u-1');
          const stored = event({ userId: user, eventId: 'e-1', occurredAt: '2026-03-02T10:00:00.000Z' });
          await store.append([stored]);
          await harness.tamperCounter!(user, '2026-03-02', null);

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
      }
    });

    if (canCrash) {
      describe('after a crash', () => {
        it('a crash at any write of an append, then redelivery of the same events, leaves events and counters exact', async () => {
          const namespace = namespaced('crash');
          let crashes = 0;
          for (let afterWrites = 0; afterWrites < 64; afterWrites++) {
            const user = namespace(`w${afterWrites}`);
            const day = (d: number, h: number) => writeInstant(Date.UTC(2024, 11, 30 + d, h), 0);
            const earlier = normalizeEvent({
              eventId: 'e-0',
              userId: user,
              type: 'x',
              occurredAt: day(0, 1),
            });
            await store.append([earlier]);
            const batch = [
              earlier,
              normalizeEvent({
                eventId: 'e-1',
                userId: user,
                type: 'x',
                occurredAt: day(0, 5),
                quantity: 2.5,
              }),
              normalizeEvent({ eventId: 'e-2', userId: user, type: 'page.read', occurredAt: day(1, 23) }),
              normalizeEvent({ eventId: 'e-3', userId: user, type: 'x', occurredAt: day(2, 0) }),
              normalizeEvent({
                eventId: 'e-1',
                userId: user,
                type: 'x',
                occurredAt: day(0, 5),
                quantity: 2.5,
              }),
            ];

            harness.injectCrash!(afterWrites);
            const crashed = await store.append(batch).then(
              () => null,
              (error: unknown) => error,
            );
            if (crashed === null) break;
            crashes++;
            expect(crashed).toBeInstanceOf(EventStoreError);
            expect((crashed as EventStoreError).retryable).toBe(true);

            const redelivered = await store.append(batch);
            expect(redelivered.every((o) => o.kind !== 'conflict')).toBe(true);
            await expectExact(store, user, firstVersions(batch));
          }
          // At least one crash per event written, else the fault never hit the append.
          expect(crashes).toBeGreaterThanOrEqual(3);
        });
      });
    }
  });
};
