import type { ActivityEvent } from '../activity-event.js';
import type { CounterDrift, DailyCounter } from '../activity-summary.js';
import type { DayRange } from '../day-range.js';
import type { QuarantinedRecord } from '../quarantine.js';
import type { StreamPosition } from '../stream-position.js';

/** An event to store, with the stream position of the record that carried it. */
export interface PositionedEvent {
  readonly event: ActivityEvent;
  readonly position: StreamPosition;
}

/**
 * What storing one event did. Keyed by (`userId`, `eventId`): the first version stands, a resend
 * of the same content is a `duplicate`, a different content under the same key is a `conflict`
 * (carrying the stored version). `refused`: the store will never hold this event, for its own
 * content (its message says why), while it can hold others: the event is set aside, not retried.
 */
export type AppendOutcome =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'conflict'; readonly stored: ActivityEvent }
  | { readonly kind: 'refused'; readonly message: string };

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
 * Failures that are not about one event throw {@link EventStoreError}: `throttled` and
 * `unavailable` are transient (redeliver later), `failed` is systemic (a missing table, denied
 * access: redeliver, alarm). After a failure at any point, appending the same records again leaves
 * events and counters exact; so does appending them in other batches, with later records of the
 * same shards, or from a second writer at the same time.
 *
 * @example
 * ```ts
 * const outcomes = await store.append([{ event, position: { shard: 'shardId-0', sequence: '42' } }]);
 * const conflicts = outcomes.filter((outcome) => outcome.kind === 'conflict');
 * ```
 */
export interface EventStore {
  /**
   * Stores events idempotently, one outcome per event in order; one user's events per call, in
   * stream order, as a stream delivers them: a record comes only with or after every earlier
   * record of its shard and user, or after those went to a dead-letter destination. When it resolves, every event it reports `new`, and every event stored by an
   * earlier delivery of the same record, is counted exactly once in its user-day's counters.
   */
  append(events: readonly PositionedEvent[]): Promise<readonly AppendOutcome[]>;
  /** Keeps rejected records with their reasons, for a retention period. Idempotent per record and reason. */
  quarantine(records: readonly QuarantinedRecord[]): Promise<void>;
  /** The user's non-empty daily counters in the range, ascending by day. */
  readDailyCounters(userId: string, range: DayRange): Promise<readonly DailyCounter[]>;
  /** The user's stored events that occurred in the range. */
  readEvents(userId: string, range: DayRange): Promise<readonly ActivityEvent[]>;
  /** The user's most recent quarantined records, newest first, at most `limit`. */
  readQuarantine(userId: string, limit: number): Promise<readonly QuarantinedRecord[]>;
  /**
   * The stored version of one idempotency key (`userId`, `eventId`): the first version, the one
   * that stands and counts; `null` when the key was never stored. Whatever day it occurred on.
   */
  readEvent(userId: string, eventId: string): Promise<ActivityEvent | null>;
  /**
   * Every quarantined record of one key still in retention, newest first: each arrival of the key
   * that was set aside (a conflicting resend, an invalid version, an unstorable one), however many
   * other records the user has. Records that name no `eventId` (data that was not an event) are
   * never among them.
   */
  readEventQuarantine(userId: string, eventId: string): Promise<readonly QuarantinedRecord[]>;
  /**
   * Recomputes the user's counters in the range from the stored events and reports what drifted.
   * It converges whatever a counter holds (any figures, any watermark, or nothing), and is safe to
   * run while appends go on.
   */
  repairCounters(userId: string, range: DayRange): Promise<CounterRepair>;
}
