import { type ActivityEvent, occurredAtMs } from '../activity-event.js';
import { EVENT_ID_RULE, isEventId, userIdError } from '../activity-event-rules.js';
import { formatInstant, type TallyBody, tallyBody } from '../activity-history.js';
import { counterDrift, dailyCountersOf, emptySummary } from '../activity-summary.js';
import { dayRange } from '../day-range.js';
import type { FieldError } from '../field-error.js';
import type { EventLogQuery, EventLogSearch } from '../ports/event-log-search.js';
import type { EventStore } from '../ports/event-store.js';
import type { QuarantinedRecord, QuarantineReason } from '../quarantine.js';
import { err, ok, type Result } from '../result.js';
import { bucketStart, DAY_MS, type DayKey, dayKeyOf, startOfUtcDay } from '../time-bucket.js';
import { ADMIN_SCOPE, type Caller } from './caller.js';

/** The starts (RFC 3339, UTC) of the buckets an event counts in, one per calendar granularity. */
export interface EventBuckets {
  readonly day: string;
  /** The Monday of its ISO week. */
  readonly week: string;
  readonly month: string;
  readonly year: string;
}

/** The stored version of a key: the one that stands and counts. */
export interface StoredEventTrace {
  readonly event: ActivityEvent;
  /** The UTC day it counts on: the user-day of its counter. */
  readonly day: DayKey;
  readonly buckets: EventBuckets;
}

/** One arrival of the key that was set aside. */
export interface QuarantinedArrival {
  readonly reason: QuarantineReason;
  readonly errors: readonly FieldError[];
  /** When it was quarantined, RFC 3339. */
  readonly at: string;
  /** The ingest request that brought it (`null`: written to the stream without one). */
  readonly correlationId: string | null;
  /** The stream record that carried it. */
  readonly recordId: string;
  /** The version that arrived, as the record held it (cut to 2,048 characters). */
  readonly payload: string;
}

/** Whether the stored event's user-day counter equals what that day's stored events add up to. */
export interface UserDayAgreement {
  readonly day: DayKey;
  readonly agrees: boolean;
  /** What the counter says, all types together (`null`: no counter for the day). */
  readonly counter: TallyBody | null;
  /** What the day's stored events add up to, all types together. */
  readonly events: TallyBody;
}

/**
 * The body of `GET /users/{userId}/events/{eventId}`: "where is my event?" answered from what the
 * pipeline keeps. Plain JSON by construction (instants as strings, sums as decimal strings).
 */
export interface EventTrace {
  readonly userId: string;
  readonly eventId: string;
  /** The version that stands (`null`: the key was never stored, or not yet). */
  readonly stored: StoredEventTrace | null;
  /** Every quarantined arrival of the key still in retention, newest first. */
  readonly quarantined: readonly QuarantinedArrival[];
  /** The stored event's user-day (`null` when nothing is stored). */
  readonly counter: UserDayAgreement | null;
  /** How to find the key's log lines (`null` where no log backend is configured: local mode). */
  readonly logs: EventLogQuery | null;
}

/** Why a trace request is refused: as for a diagnosis, a caller without {@link ADMIN_SCOPE} (403), or a bad id or parameter (400). */
export type EventTraceRefusal =
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'invalid_parameter'; readonly errors: readonly FieldError[] };

/** What a trace needs: the store, and where the logs are searched (`null`: nowhere). */
export interface EventTraceDependencies {
  readonly store: EventStore;
  readonly logs: EventLogSearch | null;
}

const EVENT_ID_ERROR: FieldError = {
  path: 'eventId',
  message: `eventId must be ${EVENT_ID_RULE}`,
};

const arrivalOf = (record: QuarantinedRecord): QuarantinedArrival => ({
  reason: record.reason,
  errors: record.errors,
  at: formatInstant(record.quarantinedAt),
  correlationId: record.correlationId,
  recordId: record.recordId,
  payload: record.payload,
});

const bucketsOf = (ms: number): EventBuckets => ({
  day: formatInstant(bucketStart(ms, 'day', 0)),
  week: formatInstant(bucketStart(ms, 'week', 0)),
  month: formatInstant(bucketStart(ms, 'month', 0)),
  year: formatInstant(bucketStart(ms, 'year', 0)),
});

/** The user-day's counter against its stored events, with the drift logic of the diagnosis. */
const agreementOn = async (store: EventStore, event: ActivityEvent): Promise<UserDayAgreement> => {
  const from = startOfUtcDay(occurredAtMs(event));
  const range = dayRange(from, from + DAY_MS);
  // Two UTC midnights one day apart always form a range.
  if (!range.ok) throw new Error(`no range for the day of ${event.occurredAt}`);
  const [counters, events] = await Promise.all([
    store.readDailyCounters(event.userId, range.value),
    store.readEvents(event.userId, range.value),
  ]);
  const recomputed = dailyCountersOf(events);
  const day = dayKeyOf(from);
  const counter = counters.find((c) => c.day === day)?.summary ?? null;
  return {
    day,
    agrees: counterDrift(counters, recomputed).length === 0,
    counter: counter === null ? null : tallyBody(counter),
    events: tallyBody(recomputed.find((c) => c.day === day)?.summary ?? emptySummary()),
  };
};

/**
 * `GET /users/{userId}/events/{eventId}` (scope `activity/admin`): where one event is. Checks the
 * caller first (so a caller who may not trace learns nothing about which requests would be valid),
 * then the ids and the query parameters (none is known), then reads the stored version of the key,
 * every quarantined arrival of it, the stored event's user-day counter against that day's stored
 * events, and writes the log search of the key's correlation ids.
 *
 * @example
 * ```ts
 * const result = await traceEvent('u-1', 'e-1', caller, { store, logs: null });
 * if (result.ok && result.value.stored === null && result.value.quarantined.length > 0) {
 *   result.value.quarantined[0]?.reason; // 'invalid_event': it never counted
 * }
 * ```
 */
export const traceEvent = async (
  userId: string,
  eventId: string,
  caller: Caller,
  deps: EventTraceDependencies,
  parameters: object = {},
): Promise<Result<EventTrace, EventTraceRefusal>> => {
  if (!caller.scopes.has(ADMIN_SCOPE)) {
    return err({ kind: 'forbidden', message: `an event trace needs the scope ${ADMIN_SCOPE}` });
  }
  const errors = [
    ...[userIdError(userId)].filter((e): e is FieldError => e !== null),
    ...(isEventId(eventId) ? [] : [EVENT_ID_ERROR]),
    ...Object.keys(parameters).map((name) => ({
      path: name,
      message: `unknown query parameter "${name.slice(0, 40)}" (an event trace takes none)`,
    })),
  ];
  if (errors.length > 0) return err({ kind: 'invalid_parameter', errors });

  const [event, records] = await Promise.all([
    deps.store.readEvent(userId, eventId),
    deps.store.readEventQuarantine(userId, eventId),
  ]);
  const quarantined = records.map(arrivalOf);
  const correlationIds = [
    ...new Set(quarantined.flatMap((q) => (q.correlationId === null ? [] : [q.correlationId]))),
  ];
  return ok({
    userId,
    eventId,
    stored:
      event === null
        ? null
        : { event, day: dayKeyOf(occurredAtMs(event)), buckets: bucketsOf(occurredAtMs(event)) },
    quarantined,
    counter: event === null ? null : await agreementOn(deps.store, event),
    logs: deps.logs?.forEvent({ userId, eventId, correlationIds }) ?? null,
  });
};
