import {
  type ActivityEvent,
  type Claim,
  type Clock,
  type CounterContribution,
  type CounterDrift,
  type CounterKey,
  type CounterRepair,
  type CounterTally,
  type CounterTampering,
  compareSequences,
  counterDrift,
  createWriteFaults,
  DAY_MS,
  type DailyCounter,
  type DayKey,
  type DayRange,
  DEFAULT_QUARANTINE_RETENTION_DAYS,
  dailyCountersOf,
  dailyCountersOfTallies,
  dayKeyStart,
  type EventStore,
  EventStoreError,
  type ExpectedCounter,
  expectedCounters,
  firstOccurrences,
  type HeldWrite,
  incrementOf,
  occurredAtMs,
  type PositionedEvent,
  planAppend,
  type QuarantinedRecord,
  type StoredEvent,
  settleAll,
  systemClock,
  uncounted,
  type WriteFault,
  type WriteKind,
} from '@activity-history/core';

/** How long quarantined records are kept by default: core's retention, in milliseconds. */
export const DEFAULT_QUARANTINE_RETENTION_MS = DEFAULT_QUARANTINE_RETENTION_DAYS * DAY_MS;

/** Options of {@link createMemoryEventStore}. */
export interface MemoryEventStoreOptions {
  /** Decides when quarantined records expire. Defaults to the system clock. */
  readonly clock?: Clock;
  /** How long a quarantined record stays readable, milliseconds. */
  readonly quarantineRetentionMs?: number;
}

/** The store's fault switches: each one turns later operations into the failures a real store has. */
export interface EventStoreFaults {
  /** Arms a write fault (see core's `WriteFault`); it replaces one armed before. */
  injectWriteFault(fault: WriteFault): void;
  /** Disarms the write fault, leaving throttling and holds as they are. */
  disarmWriteFault(): void;
  /** Shorthand for `injectWriteFault({ kind: 'failOne', atWrite: n })`: the write after `n` fails, once. */
  crashAfterWrites(n: number): void;
  /** Holds the next write of a kind until released. */
  holdNextWrite(kind: WriteKind): HeldWrite;
  /** Refuses, for their own content, the events for which `reason` gives a message. */
  refuseEvents(reason: ((event: ActivityEvent) => string | null) | null): void;
  /** Throttles the next `count` calls (`append`, `quarantine`, `repairCounters`), all of them, or none. */
  throttle(mode: number | 'always' | 'off'): void;
  /** Clears every fault and releases held writes. */
  clear(): void;
}

/** The in-memory event store, with what tests and drills need beyond the port. */
export interface MemoryEventStore extends EventStore, CounterTampering {
  readonly faults: EventStoreFaults;
  /** Internal writes done so far. */
  writes(): number;
}

interface CounterState {
  readonly day: DayKey;
  readonly type: string;
  count: number;
  quantityMicros: bigint;
  /** Bumped by every write, so that repair can tell a counter changed under it. */
  version: number;
  readonly watermarks: Map<string, string>;
}

interface QuarantineEntry {
  readonly record: QuarantinedRecord;
  /** Insertion order, to order records quarantined in the same millisecond. */
  readonly seq: number;
}

// Readers hand out copies so that a caller mutating a result cannot change what is stored.
const copy = <T>(value: T): T => structuredClone(value);

const inRange = (ms: number, range: DayRange): boolean => ms >= range.from && ms < range.to;

const counterId = (day: DayKey, type: string): string => `${day}#${type}`;

const emptyCounter = (day: DayKey, type: string): CounterState => ({
  day,
  type,
  count: 0,
  quantityMicros: 0n,
  version: 0,
  watermarks: new Map(),
});

/** Calls in flight at once within one store call, as a real store's client would keep. */
const PARALLEL_WRITES = 8;
/** Attempts at one counter while other writers keep moving it; then the append is retried. */
const COUNTER_ATTEMPTS = 8;

/**
 * An event store over maps that follows the same counting protocol as the DynamoDB store, write
 * for write, so that its faults mean what they mean there (core `planAppend`): each event claims
 * its key with the position of the record that carried it (the first version stands); then each
 * (day, type) counter takes the call's new events of a shard in one conditional write that moves
 * the shard's watermark past them. A crash between any two writes, a lost answer, a zombie write
 * landing late or a redelivery cut differently therefore leave counters exact. It serves local
 * mode's `memory` backend.
 *
 * @example
 * ```ts
 * const store = createMemoryEventStore({ clock });
 * const position = { shard: 'shardId-000000000000', sequence: '1' };
 * await store.append([{ event, position }]); // [{ kind: 'new' }]
 * await store.append([{ event, position }]); // [{ kind: 'duplicate' }], counted once
 * ```
 */
export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): MemoryEventStore => {
  const clock = options.clock ?? systemClock;
  const retentionMs = options.quarantineRetentionMs ?? DEFAULT_QUARANTINE_RETENTION_MS;
  const events = new Map<string, Map<string, StoredEvent>>();
  const counters = new Map<string, Map<string, CounterState>>();
  const quarantined = new Map<string, Map<string, QuarantineEntry>>();
  let writeCount = 0;
  let quarantineSeq = 0;
  let refusal: ((event: ActivityEvent) => string | null) | null = null;
  let throttle: number | 'always' = 0;
  const writeFaults = createWriteFaults(
    (what) => new EventStoreError('unavailable', `injected fault: ${what}`),
  );

  const within = <V>(map: Map<string, Map<string, V>>, userId: string): Map<string, V> => {
    let inner = map.get(userId);
    if (inner === undefined) {
      inner = new Map();
      map.set(userId, inner);
    }
    return inner;
  };

  /** Every write passes here: faults and holds act between writes, as on a real connection. */
  const write = <T>(kind: WriteKind, apply: () => T): Promise<T> =>
    writeFaults.run(kind, async () => {
      const result = apply();
      writeCount++;
      // A real store answers each write asynchronously: yielding lets concurrent calls interleave here.
      await Promise.resolve();
      return result;
    });

  const checkThrottle = (operation: string): void => {
    if (throttle === 'always' || throttle > 0) {
      if (throttle !== 'always') throttle--;
      throw new EventStoreError('throttled', `injected throttling of ${operation}`);
    }
  };

  /** The conditional put of one key: stores the event with its origin unless the key is taken. */
  const claim = ({ event, position }: PositionedEvent): Promise<Claim> =>
    write('claim', (): Claim => {
      const refused = refusal?.(event) ?? null;
      if (refused !== null) return { kind: 'refused', message: refused };
      const user = within(events, event.userId);
      const stored = user.get(event.eventId);
      if (stored !== undefined) return { kind: 'taken', stored: copy(stored.event), origin: stored.origin };
      user.set(event.eventId, { event: copy(event), origin: { ...position } });
      return { kind: 'stored' };
    });

  const counterOf = (userId: string, day: DayKey, type: string): CounterState | undefined =>
    counters.get(userId)?.get(counterId(day, type));

  /**
   * Adds a contribution to its counter: one conditional write that requires the shard's watermark
   * below the first item; a refusal answers with the watermark, and the rest is tried again.
   */
  const addToCounter = async (contribution: CounterContribution): Promise<void> => {
    let rest = contribution;
    for (let attempt = 1; attempt <= COUNTER_ATTEMPTS; attempt++) {
      const increment = incrementOf(rest);
      if (increment === null) return;
      const refusedAt = await write('counter', (): string | null => {
        const { userId, day, type, shard } = rest;
        const counter = counterOf(userId, day, type);
        const mark = counter?.watermarks.get(shard);
        if (mark !== undefined && compareSequences(mark, increment.first) >= 0) return mark;
        const state = counter ?? emptyCounter(day, type);
        state.count += increment.count;
        state.quantityMicros += increment.quantityMicros;
        state.version++;
        state.watermarks.set(shard, increment.last);
        within(counters, userId).set(counterId(day, type), state);
        return null;
      });
      if (refusedAt === null) return;
      rest = uncounted(rest, refusedAt);
    }
    throw new EventStoreError(
      'unavailable',
      `the counter of ${contribution.day} ${contribution.type} kept moving`,
    );
  };

  const storedIn = (userId: string, range: DayRange): StoredEvent[] =>
    [...(events.get(userId)?.values() ?? [])].filter((stored) => inRange(occurredAtMs(stored.event), range));

  const talliesIn = (userId: string, range: DayRange): CounterTally[] =>
    [...(counters.get(userId)?.values() ?? [])]
      .filter((counter) => inRange(dayKeyStart(counter.day), range))
      .map(({ day, type, count, quantityMicros }) => ({ userId, day, type, count, quantityMicros }));

  /** Sets one counter to what its events say, unless it changed since `version` was read. */
  const overwriteCounter = (key: CounterKey, version: number, expected: ExpectedCounter | undefined) =>
    write('counter', (): boolean => {
      const { userId, day, type } = key;
      const counter = counterOf(userId, day, type);
      if ((counter?.version ?? 0) !== version) return false;
      if (expected === undefined) counters.get(userId)?.delete(counterId(day, type));
      else {
        within(counters, userId).set(counterId(day, type), {
          day,
          type,
          count: expected.count,
          quantityMicros: expected.quantityMicros,
          version: version + 1,
          watermarks: new Map(expected.watermarks),
        });
      }
      return true;
    });

  /** Whether a counter holds what its events say, watermarks included. */
  const agrees = (counter: CounterState, expected: ExpectedCounter): boolean =>
    counter.count === expected.count &&
    counter.quantityMicros === expected.quantityMicros &&
    counter.watermarks.size === expected.watermarks.size &&
    [...counter.watermarks].every(([shard, mark]) => expected.watermarks.get(shard) === mark);

  const expired = (record: QuarantinedRecord): boolean => record.quarantinedAt + retentionMs <= clock.now();

  /** The user's quarantine entries in retention, newest first (expired ones are dropped here). */
  const quarantineOf = (userId: string): QuarantineEntry[] => {
    const entries = quarantined.get(userId);
    if (entries === undefined) return [];
    for (const [key, entry] of entries) if (expired(entry.record)) entries.delete(key);
    return [...entries.values()].sort(
      (a, b) => b.record.quarantinedAt - a.record.quarantinedAt || b.seq - a.seq,
    );
  };

  return {
    async append(entries) {
      checkThrottle('append');
      if (entries.length === 0) return [];
      const claims = await settleAll(firstOccurrences(entries), PARALLEL_WRITES, claim);
      const plan = planAppend(entries, claims);
      await settleAll(plan.contributions, PARALLEL_WRITES, addToCounter);
      return plan.outcomes;
    },

    async quarantine(records) {
      checkThrottle('quarantine');
      await settleAll(records, PARALLEL_WRITES, (record) =>
        write('quarantine', () => {
          const entries = within(quarantined, record.userId);
          const key = `${record.recordId}\u0000${record.reason}`;
          // Idempotent per record and reason: a redelivered record keeps its first entry.
          if (!entries.has(key)) entries.set(key, { record: copy(record), seq: quarantineSeq++ });
        }),
      );
    },

    async readDailyCounters(userId, range): Promise<DailyCounter[]> {
      return dailyCountersOfTallies(talliesIn(userId, range));
    },

    async readEvents(userId, range) {
      return storedIn(userId, range).map((stored) => copy(stored.event));
    },

    async readQuarantine(userId, limit) {
      return quarantineOf(userId)
        .slice(0, Math.max(0, limit))
        .map((entry) => copy(entry.record));
    },

    async readEvent(userId, eventId) {
      const stored = events.get(userId)?.get(eventId);
      return stored === undefined ? null : copy(stored.event);
    },

    async readEventQuarantine(userId, eventId) {
      return quarantineOf(userId)
        .filter((entry) => entry.record.eventId === eventId)
        .map((entry) => copy(entry.record));
    },

    async repairCounters(userId, range): Promise<CounterRepair> {
      checkThrottle('repairCounters');
      let fixed: CounterDrift[] | null = null;
      for (let attempt = 1; attempt <= COUNTER_ATTEMPTS; attempt++) {
        // Counters first, then events: an append that lands in between moves a counter's
        // version, its overwrite below is refused, and the next attempt reads again.
        const have = new Map(
          [...(counters.get(userId)?.values() ?? [])]
            .filter((counter) => inRange(dayKeyStart(counter.day), range))
            .map((counter) => [
              counterId(counter.day, counter.type),
              { ...counter, watermarks: new Map(counter.watermarks) },
            ]),
        );
        const stored = storedIn(userId, range);
        fixed ??= counterDrift(
          dailyCountersOfTallies([...have.values()].map((c) => ({ userId, ...c }))),
          dailyCountersOf(stored.map((s) => s.event)),
        );
        const want = new Map(expectedCounters(stored).map((c) => [counterId(c.day, c.type), c]));
        const keys = new Map<string, CounterKey>(
          [...have.values(), ...want.values()].map((c) => [
            counterId(c.day, c.type),
            { userId, day: c.day, type: c.type },
          ]),
        );
        const outcomes = await settleAll([...keys], PARALLEL_WRITES, async ([id, key]) => {
          const now = have.get(id);
          const target = want.get(id);
          if (now !== undefined && target !== undefined && agrees(now, target)) return true;
          return overwriteCounter(key, now?.version ?? 0, target);
        });
        if (outcomes.every(Boolean)) return { userId, range, fixed };
      }
      throw new EventStoreError(
        'unavailable',
        `the counters of ${userId} kept changing during ${COUNTER_ATTEMPTS} repairs`,
      );
    },

    async tamperCounter(userId, day, summary) {
      const mine = within(counters, userId);
      for (const [id, counter] of mine) {
        if (counter.day !== day) continue;
        if (summary === null) {
          mine.delete(id);
          continue;
        }
        const tally = summary.byType.get(counter.type);
        counter.count = tally?.count ?? 0;
        counter.quantityMicros = tally?.quantityMicros ?? 0n;
        counter.version++;
      }
      for (const [type, tally] of summary?.byType ?? []) {
        if (!mine.has(counterId(day, type))) {
          mine.set(counterId(day, type), { ...emptyCounter(day, type), ...tally, version: 1 });
        }
      }
    },

    async tamperWatermark(userId, day, type, shard, sequence) {
      const mine = within(counters, userId);
      const counter = mine.get(counterId(day, type)) ?? emptyCounter(day, type);
      if (sequence === null) counter.watermarks.delete(shard);
      else counter.watermarks.set(shard, sequence);
      counter.version++;
      mine.set(counterId(day, type), counter);
    },

    writes: () => writeCount,

    faults: {
      injectWriteFault: writeFaults.inject,
      disarmWriteFault: writeFaults.disarm,
      crashAfterWrites(n) {
        writeFaults.inject({ kind: 'failOne', atWrite: Math.max(0, Math.floor(n)) });
      },
      holdNextWrite: writeFaults.hold,
      refuseEvents(reason) {
        refusal = reason;
      },
      throttle(mode) {
        throttle = mode === 'off' ? 0 : mode;
      },
      clear() {
        writeFaults.clear();
        refusal = null;
        throttle = 0;
      },
    },
  };
};
