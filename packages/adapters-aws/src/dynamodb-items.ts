import {
  type ActivityEvent,
  type AttributeValue,
  type DailyCounter,
  type DayKey,
  dayKeyOf,
  occurredAtMs,
  type QuarantinedRecord,
  type QuarantineReason,
  type Summary,
  type Tally,
} from '@activity-history/core';

/*
 * The items of the event store's table and their keys (docs/dynamodb-design.md). Domain objects
 * are mapped to these plain DTOs before marshalling and back after reading: lib-dynamodb refuses
 * class instances, `Map`s and `undefined`.
 */

/** The partition of everything about one user. */
export const userKey = (userId: string): string => `U#${userId}`;
/** The claim of an idempotency key: one item per (`userId`, `eventId`), whatever the event's day. */
export const claimKey = (eventId: string): string => `E#${eventId}`;
/** Prefix of the stored events of one day: a strongly consistent Query reads them to recompute a counter. */
export const dayEventsPrefix = (day: DayKey): string => `D#${day}#`;
/** A stored event in its day's item collection. */
export const dayEventKey = (day: DayKey, eventId: string): string => `D#${day}#${eventId}`;
/** The counter of one user-day. */
export const counterKey = (day: DayKey): string => `C#${day}`;
/** A quarantined record: one per record and reason. */
export const quarantineKey = (recordId: string, reason: QuarantineReason): string =>
  `Q#${reason}#${recordId}`;
export const QUARANTINE_PREFIX = 'Q#';

/** An event as stored, both as a claim and in its day's collection. The user is in `pk`. */
export interface EventItem {
  readonly pk: string;
  readonly sk: string;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly quantity: number;
  readonly attributes: Record<string, AttributeValue>;
  readonly day: DayKey;
}

/** A user-day counter: the summary of the day's stored events, and how many events it was computed from. */
export interface CounterItem {
  readonly pk: string;
  readonly sk: string;
  readonly day: DayKey;
  readonly count: number;
  readonly quantityMicros: number;
  readonly byType: Record<string, { readonly count: number; readonly quantityMicros: number }>;
  /**
   * The number of stored events the summary was computed from. Events are never deleted, so a
   * recomputation that saw fewer events than the stored counter is stale: the write's condition
   * refuses it.
   */
  readonly seen: number;
}

/** A quarantined record, expiring at `expiresAt` (epoch seconds, the table's TTL attribute). */
export interface QuarantineItem {
  readonly pk: string;
  readonly sk: string;
  readonly eventId: string | null;
  readonly reason: QuarantineReason;
  readonly errors: { readonly path: string; readonly message: string }[];
  readonly payload: string;
  readonly quarantinedAt: number;
  readonly recordId: string;
  readonly correlationId: string | null;
  readonly expiresAt: number;
}

export const dayOf = (event: ActivityEvent): DayKey => dayKeyOf(occurredAtMs(event));

export const claimItemOf = (event: ActivityEvent): EventItem => ({
  ...eventFields(event),
  sk: claimKey(event.eventId),
});

export const dayEventItemOf = (event: ActivityEvent): EventItem => ({
  ...eventFields(event),
  sk: dayEventKey(dayOf(event), event.eventId),
});

const eventFields = (event: ActivityEvent): Omit<EventItem, 'sk'> => ({
  pk: userKey(event.userId),
  eventId: event.eventId,
  type: event.type,
  occurredAt: event.occurredAt,
  quantity: event.quantity,
  attributes: { ...event.attributes },
  day: dayOf(event),
});

export const eventOf = (userId: string, item: Record<string, unknown>): ActivityEvent => {
  const stored = item as unknown as EventItem;
  return {
    eventId: stored.eventId,
    userId,
    type: stored.type,
    occurredAt: stored.occurredAt,
    quantity: stored.quantity,
    attributes: { ...stored.attributes },
  };
};

const tallyOf = (tally: Tally) => ({ count: tally.count, quantityMicros: tally.quantityMicros });

export const counterItemOf = (userId: string, day: DayKey, summary: Summary, seen: number): CounterItem => ({
  pk: userKey(userId),
  sk: counterKey(day),
  day,
  count: summary.count,
  quantityMicros: summary.quantityMicros,
  byType: Object.fromEntries(Object.entries(summary.byType).map(([type, tally]) => [type, tallyOf(tally)])),
  seen,
});

export const dailyCounterOf = (item: Record<string, unknown>): DailyCounter => {
  const stored = item as unknown as CounterItem;
  return {
    day: stored.day,
    summary: {
      count: stored.count,
      quantityMicros: stored.quantityMicros,
      byType: Object.fromEntries(
        Object.entries(stored.byType ?? {}).map(([type, tally]) => [type, tallyOf(tally)]),
      ),
    },
  };
};

export const quarantineItemOf = (record: QuarantinedRecord, retentionMs: number): QuarantineItem => ({
  pk: userKey(record.userId),
  sk: quarantineKey(record.recordId, record.reason),
  eventId: record.eventId,
  reason: record.reason,
  errors: record.errors.map((error) => ({ path: error.path, message: error.message })),
  payload: record.payload,
  quarantinedAt: record.quarantinedAt,
  recordId: record.recordId,
  correlationId: record.correlationId,
  expiresAt: Math.ceil((record.quarantinedAt + retentionMs) / 1000),
});

export const quarantinedRecordOf = (userId: string, item: Record<string, unknown>): QuarantinedRecord => {
  const stored = item as unknown as QuarantineItem;
  return {
    userId,
    eventId: stored.eventId,
    reason: stored.reason,
    errors: stored.errors.map((error) => ({ path: error.path, message: error.message })),
    payload: stored.payload,
    quarantinedAt: stored.quarantinedAt,
    recordId: stored.recordId,
    correlationId: stored.correlationId,
  };
};
