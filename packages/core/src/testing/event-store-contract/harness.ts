import { beforeAll, expect } from 'vitest';
import type { ActivityEvent } from '../../activity-event.js';
import { counterDrift, dailyCountersOf } from '../../activity-summary.js';
import { type DayRange, dayRange } from '../../day-range.js';
import type { EventStore, PositionedEvent } from '../../ports/event-store.js';
import { DAY_MS } from '../../time-bucket.js';
import type { CounterTampering, HeldWrite, WriteFault, WriteKind } from '../../write-faults.js';
import { ARBITRARY_NOW } from '../arbitraries.js';

export type { HeldWrite, WriteFault, WriteKind };

/**
 * What the event store contract suites need from an adapter. Every capability is required: a
 * store that cannot be crashed, held or tampered with in its tests cannot show that it is exact,
 * so no suite is skipped for want of one.
 */
export interface EventStoreHarness extends CounterTampering {
  readonly store: EventStore;
  cleanup(): Promise<void>;
  /** Arms a fault for the writes of the next `append`; it is disarmed when that append ends. */
  injectWriteFault(fault: WriteFault): void;
  /** Holds the next write of a kind (through any append) until released. */
  holdNextWrite(kind: WriteKind): HeldWrite;
}

/** Builds a harness: called once per suite, in `beforeAll`. */
export type EventStoreHarnessFactory = () => Promise<EventStoreHarness>;

/**
 * The harness of one suite: built before its tests and cleaned up after them. The object it
 * returns stands for the harness once built (suites are collected before `beforeAll` runs).
 */
export const harnessFor = (factory: EventStoreHarnessFactory): EventStoreHarness => {
  let built: EventStoreHarness | undefined;
  beforeAll(async () => {
    built = await factory();
    return () => built?.cleanup();
  });
  return new Proxy({} as EventStoreHarness, {
    get: (_, name: keyof EventStoreHarness) => {
      if (built === undefined) throw new Error('the harness is used before its suite started');
      return built[name];
    },
  });
};

/** Every day the generated events can fall on. */
export const ALL_TIME: DayRange = unwrap(dayRange(Date.UTC(2000, 0, 1), ARBITRARY_NOW + DAY_MS));

export function unwrap(range: ReturnType<typeof dayRange>): DayRange {
  if (!range.ok) throw new Error(`bad test range: ${JSON.stringify(range.error)}`);
  return range.value;
}

/**
 * A shard of a test stream: it hands out records with growing sequence numbers, as a stream
 * does. Appending the same records again is a redelivery; new records with the same events are a
 * client's resend.
 */
export interface TestShard {
  readonly id: string;
  records(events: readonly ActivityEvent[]): PositionedEvent[];
}

let shards = 0;
export const testShard = (): TestShard => {
  const id = `shardId-${String(shards++).padStart(12, '0')}`;
  let sequence = 10n ** 20n;
  return {
    id,
    records: (events) =>
      events.map((event) => {
        sequence += 1n + BigInt(Math.floor(Math.random() * 3));
        return { event, position: { shard: id, sequence: sequence.toString() } };
      }),
  };
};

const byKey = (a: ActivityEvent, b: ActivityEvent) =>
  a.userId === b.userId ? (a.eventId < b.eventId ? -1 : 1) : a.userId < b.userId ? -1 : 1;

/** Keeps the first version of each (`userId`, `eventId`): what a store must hold. */
export const firstVersions = (events: readonly ActivityEvent[]): ActivityEvent[] => {
  const first = new Map<string, ActivityEvent>();
  for (const event of events) {
    const key = JSON.stringify([event.userId, event.eventId]);
    if (!first.has(key)) first.set(key, event);
  }
  return [...first.values()];
};

/** Asserts that the store holds exactly `expected` for the user, and counters that add them up. */
export const expectExact = async (store: EventStore, userId: string, expected: readonly ActivityEvent[]) => {
  const mine = expected.filter((event) => event.userId === userId);
  const stored = await store.readEvents(userId, ALL_TIME);
  expect([...stored].sort(byKey)).toEqual([...mine].sort(byKey));
  const counters = await store.readDailyCounters(userId, ALL_TIME);
  expect(counterDrift(counters, dailyCountersOf(mine))).toEqual([]);
};

let namespaces = 0;
/** A fresh user namespace per test, so tests (and property runs) share one store without meeting. */
export const namespaced = (tag: string) => {
  const prefix = `t${Date.now().toString(36)}${(namespaces++).toString(36)}`;
  return (userId: string) => `${prefix}-${tag}.${userId}`.slice(0, 128);
};
/** A fresh number, for property runs that need a namespace each. */
export const nextRun = (): number => namespaces++;

export const event = (
  overrides: Partial<ActivityEvent> & Pick<ActivityEvent, 'userId' | 'eventId'>,
): ActivityEvent => ({
  type: 'track.played',
  occurredAt: '2026-03-01T12:00:00.000Z',
  quantity: 1,
  attributes: {},
  ...overrides,
});

/** One user's events on a few days and types, with quantities that are not whole. */
export const userBatch = (userId: string, size: number, prefix = 'e'): ActivityEvent[] =>
  Array.from({ length: size }, (_, i) =>
    event({
      userId,
      eventId: `${prefix}-${i}`,
      type: i % 3 === 0 ? 'page.read' : 'track.played',
      occurredAt: `2026-03-0${1 + (i % 3)}T${String(10 + (i % 10)).padStart(2, '0')}:00:00.000Z`,
      quantity: (i % 4) + 0.25,
    }),
  );

export const kinds = (outcomes: readonly { kind: string }[]) => outcomes.map((outcome) => outcome.kind);

/** Runs `work` and returns what it threw, or `null`. */
export const failureOf = async (work: () => Promise<unknown>): Promise<unknown> =>
  work().then(
    () => null,
    (error: unknown) => error,
  );
