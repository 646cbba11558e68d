import {
  type ActivityEvent,
  type AppendOutcome,
  type Clock,
  type CounterRepair,
  counterDrift,
  type DailyCounter,
  type DayKey,
  type DayRange,
  dailyCountersOf,
  dayKeyOf,
  dayKeyStart,
  type EventStore,
  EventStoreError,
  occurredAtMs,
  type QuarantinedRecord,
  type Summary,
  sameContent,
} from '@activity-history/core';
import { systemClock } from './clock.js';

/** How long quarantined records are kept by default: 30 days. */
export const DEFAULT_QUARANTINE_RETENTION_MS = 30 * 86_400_000;

/** Options of {@link createMemoryEventStore}. */
export interface MemoryEventStoreOptions {
  /** Decides when quarantined records expire. Defaults to the system clock. */
  readonly clock?: Clock;
  /** How long a quarantined record stays readable, milliseconds. */
  readonly quarantineRetentionMs?: number;
}

/** The store's fault switches: each one turns a later operation into the failure a real store has. */
export interface EventStoreFaults {
  /**
   * Lets `n` more internal writes succeed, then fails the next one with `EventStoreError('unavailable')`,
   * once: a crash between any two writes. Writes are one per event item, one per counter item and
   * one per quarantined record.
   */
  crashAfterWrites(n: number): void;
  /** Throttles the next `count` write calls (`append`, `quarantine`, `repairCounters`), all of them, or none. */
  throttle(mode: number | 'always' | 'off'): void;
  /** Clears every fault. */
  clear(): void;
}

/** The in-memory event store, with what tests and drills need beyond the port. */
export interface MemoryEventStore extends EventStore {
  readonly faults: EventStoreFaults;
  /** Overwrites (or, with `null`, deletes) a counter behind the store's back: drift, for drills. */
  tamperCounter(userId: string, day: DayKey, summary: Summary | null): Promise<void>;
  /** Internal writes done so far. */
  writes(): number;
}

interface UserEvents {
  readonly byId: Map<string, ActivityEvent>;
  readonly byDay: Map<DayKey, Map<string, ActivityEvent>>;
}

interface QuarantineEntry {
  readonly record: QuarantinedRecord;
  /** Insertion order, to order records quarantined in the same millisecond. */
  readonly seq: number;
}

// Readers hand out copies so that a caller mutating a result cannot change what is stored.
const copy = <T>(value: T): T => structuredClone(value);

const inRange = (ms: number, range: DayRange): boolean => ms >= range.from && ms < range.to;

/**
 * An event store over plain maps. It mirrors the design of a real one so that its faults mean
 * something: stored events are the source of truth, keyed by (`userId`, `eventId`) and written one by
 * one with a condition (the first version stands); then each user-day the call touched (duplicates'
 * days too, so a redelivery heals a crash) gets its counter recomputed from the stored events. A crash
 * between any two writes therefore leaves events right and at worst some counters stale, and
 * appending the same events again makes everything exact. It serves local mode's `memory` backend.
 *
 * @example
 * ```ts
 * const store = createMemoryEventStore({ clock });
 * await store.append([event]); // [{ kind: 'new' }]
 * store.faults.crashAfterWrites(1);
 * await store.append([other]); // throws EventStoreError('unavailable') after writing the event, before its counter
 * await store.append([other]); // [{ kind: 'duplicate' }], and the counter is healed
 * ```
 */
export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): MemoryEventStore => {
  const clock = options.clock ?? systemClock;
  const retentionMs = options.quarantineRetentionMs ?? DEFAULT_QUARANTINE_RETENTION_MS;
  const events = new Map<string, UserEvents>();
  const counters = new Map<string, Map<DayKey, Summary>>();
  const quarantined = new Map<string, Map<string, QuarantineEntry>>();
  let writeCount = 0;
  let quarantineSeq = 0;
  let crashAfter: number | null = null;
  let throttle: number | 'always' = 0;

  const userEvents = (userId: string): UserEvents => {
    let user = events.get(userId);
    if (user === undefined) {
      user = { byId: new Map(), byDay: new Map() };
      events.set(userId, user);
    }
    return user;
  };

  const userCounters = (userId: string): Map<DayKey, Summary> => {
    let days = counters.get(userId);
    if (days === undefined) {
      days = new Map();
      counters.set(userId, days);
    }
    return days;
  };

  /** Every write passes here: the crash fault fires between two writes. */
  const write = async (apply: () => void): Promise<void> => {
    if (crashAfter !== null) {
      if (crashAfter === 0) {
        crashAfter = null;
        throw new EventStoreError('unavailable', `injected crash after ${writeCount} writes`);
      }
      crashAfter--;
    }
    apply();
    writeCount++;
    // A real store answers each write asynchronously: yielding lets concurrent calls interleave here.
    await Promise.resolve();
  };

  const checkThrottle = (operation: string): void => {
    if (throttle === 'always' || throttle > 0) {
      if (throttle !== 'always') throttle--;
      throw new EventStoreError('throttled', `injected throttling of ${operation}`);
    }
  };

  const recomputeCounter = (userId: string, day: DayKey): Promise<void> =>
    write(() => {
      const dayEvents = events.get(userId)?.byDay.get(day);
      const summary = dayEvents === undefined ? undefined : dailyCountersOf(dayEvents.values())[0]?.summary;
      if (summary === undefined) counters.get(userId)?.delete(day);
      else userCounters(userId).set(day, summary);
    });

  /** The conditional put of one event: stores it unless its key exists, and says what it found. */
  const putEvent = async (event: ActivityEvent): Promise<AppendOutcome> => {
    let outcome: AppendOutcome = { kind: 'new' };
    await write(() => {
      const user = userEvents(event.userId);
      const stored = user.byId.get(event.eventId);
      if (stored !== undefined) {
        outcome = sameContent(stored, event)
          ? { kind: 'duplicate' }
          : { kind: 'conflict', stored: copy(stored) };
        return;
      }
      const day = dayKeyOf(occurredAtMs(event));
      const kept = copy(event);
      user.byId.set(event.eventId, kept);
      const dayEvents = user.byDay.get(day) ?? new Map<string, ActivityEvent>();
      dayEvents.set(event.eventId, kept);
      user.byDay.set(day, dayEvents);
    });
    return outcome;
  };

  const readCounters = (userId: string, range: DayRange): DailyCounter[] =>
    [...(counters.get(userId) ?? new Map<DayKey, Summary>()).entries()]
      .filter(([day]) => inRange(dayKeyStart(day), range))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([day, summary]) => ({ day, summary: copy(summary) }));

  const readStoredEvents = (userId: string, range: DayRange): ActivityEvent[] => {
    const user = events.get(userId);
    if (user === undefined) return [];
    return [...user.byDay.entries()]
      .filter(([day]) => inRange(dayKeyStart(day), range))
      .flatMap(([, dayEvents]) => [...dayEvents.values()].map(copy));
  };

  const expired = (record: QuarantinedRecord): boolean => record.quarantinedAt + retentionMs <= clock.now();

  return {
    async append(batch) {
      checkThrottle('append');
      const outcomes: AppendOutcome[] = [];
      const touched = new Map<string, Set<DayKey>>();
      for (const event of batch) {
        outcomes.push(await putEvent(event));
        const days = touched.get(event.userId) ?? new Set<DayKey>();
        days.add(dayKeyOf(occurredAtMs(event)));
        touched.set(event.userId, days);
      }
      for (const [userId, days] of touched) {
        for (const day of days) await recomputeCounter(userId, day);
      }
      return outcomes;
    },

    async quarantine(records) {
      checkThrottle('quarantine');
      for (const record of records) {
        await write(() => {
          const entries = quarantined.get(record.userId) ?? new Map<string, QuarantineEntry>();
          const key = `${record.recordId}\u0000${record.reason}`;
          // Idempotent per record and reason: a redelivered record keeps its first entry.
          if (!entries.has(key)) entries.set(key, { record: copy(record), seq: quarantineSeq++ });
          quarantined.set(record.userId, entries);
        });
      }
    },

    async readDailyCounters(userId, range) {
      return readCounters(userId, range);
    },

    async readEvents(userId, range) {
      return readStoredEvents(userId, range);
    },

    async readQuarantine(userId, limit) {
      const entries = quarantined.get(userId);
      if (entries === undefined) return [];
      for (const [key, entry] of entries) if (expired(entry.record)) entries.delete(key);
      return [...entries.values()]
        .sort((a, b) => b.record.quarantinedAt - a.record.quarantinedAt || b.seq - a.seq)
        .slice(0, Math.max(0, limit))
        .map((entry) => copy(entry.record));
    },

    async repairCounters(userId, range): Promise<CounterRepair> {
      checkThrottle('repairCounters');
      const drift = counterDrift(
        readCounters(userId, range),
        dailyCountersOf(readStoredEvents(userId, range)),
      );
      for (const { day } of drift) await recomputeCounter(userId, day);
      return { userId, range, fixed: drift };
    },

    async tamperCounter(userId, day, summary) {
      if (summary === null) counters.get(userId)?.delete(day);
      else userCounters(userId).set(day, copy(summary));
    },

    writes: () => writeCount,

    faults: {
      crashAfterWrites(n) {
        crashAfter = Math.max(0, Math.floor(n));
      },
      throttle(mode) {
        throttle = mode === 'off' ? 0 : mode;
      },
      clear() {
        crashAfter = null;
        throttle = 0;
      },
    },
  };
};
