import type { ActivityEvent } from '../activity-event.js';
import type { CounterDrift, DailyCounter } from '../activity-summary.js';
import type { DayRange } from '../day-range.js';
import type { QuarantinedRecord } from '../quarantine.js';

/**
 * What storing one event did. Keyed by (`userId`, `eventId`): the first version stands, a resend
 * of the same content is a `duplicate`, a different content under the same key is a `conflict`
 * (carrying the stored version).
 */
export type AppendOutcome =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'conflict'; readonly stored: ActivityEvent };

/** What a counter repair found and fixed. */
export interface CounterRepair {
  readonly userId: string;
  readonly range: DayRange;
  /** The user-days whose counters differed from their events, as they were before the repair. */
  readonly fixed: readonly CounterDrift[];
}

/**
 * The event store: stored events are the source of truth, and per user-day counters answer
 * queries at a cost that depends on the number of days, not of events.
 *
 * Failures throw {@link EventStoreError} (`throttled`, `unavailable`: redeliver later; `failed`).
 * After a failure at any point, appending the same events again leaves events and counters exact.
 *
 * @example
 * ```ts
 * const outcomes = await store.append(events);
 * const conflicts = events.filter((_, i) => outcomes[i]?.kind === 'conflict');
 * ```
 */
export interface EventStore {
  /**
   * Stores events idempotently, one outcome per event in order. When it resolves, the counters of
   * every user-day it was given (duplicates included, so a redelivery heals a crash) equal what the
   * stored events of those days add up to.
   */
  append(events: readonly ActivityEvent[]): Promise<readonly AppendOutcome[]>;
  /** Keeps rejected records with their reasons, for a retention period. Idempotent per record and reason. */
  quarantine(records: readonly QuarantinedRecord[]): Promise<void>;
  /** The user's non-empty daily counters in the range, ascending by day. */
  readDailyCounters(userId: string, range: DayRange): Promise<readonly DailyCounter[]>;
  /** The user's stored events that occurred in the range. */
  readEvents(userId: string, range: DayRange): Promise<readonly ActivityEvent[]>;
  /** The user's most recent quarantined records, newest first, at most `limit`. */
  readQuarantine(userId: string, limit: number): Promise<readonly QuarantinedRecord[]>;
  /** Recomputes the user's counters in the range from the stored events and reports what drifted. */
  repairCounters(userId: string, range: DayRange): Promise<CounterRepair>;
}
