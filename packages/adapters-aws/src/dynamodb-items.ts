import {
  type ActivityEvent,
  type CounterKey,
  type CounterTally,
  type DayKey,
  type ExpectedCounter,
  type FieldError,
  type QuarantinedRecord,
  type QuarantineReason,
  type StoredEvent,
  type StreamPosition,
  sequenceKey,
} from '@activity-history/core';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/*
 * The items of the event store's table and their keys (docs/dynamodb-design.md), written as
 * DynamoDB attribute values by hand: every attribute is a string or a number, so nothing is left
 * to a generic marshaller (which refuses integers beyond 2^53, reads prototype-named keys as
 * inherited members, and costs CPU on every event). Attributes whose content the client chose
 * (an event's attributes, a record's errors) are kept as JSON text: stored and returned exactly.
 */

export type Item = Record<string, AttributeValue>;

/** The partition of everything about one user. */
export const userKey = (userId: string): string => `U#${userId}`;
/** An event, under its idempotency key: one item per (`userId`, `eventId`), whatever its day. */
export const eventKey = (eventId: string): string => `E#${eventId}`;
export const EVENT_PREFIX = 'E#';
/** The counter of one user, day and type. */
export const counterKey = (day: DayKey, type: string): string => `C#${day}#${type}`;
/** The bounds of the counters of the days `first` to `last`: '~' sorts after every type character. */
export const counterBounds = (first: DayKey, last: DayKey): readonly [string, string] => [
  `C#${first}#`,
  `C#${last}#~`,
];
/** A quarantined record: one per record and reason. */
export const quarantineKey = (recordId: string, reason: QuarantineReason): string =>
  `Q#${reason}#${recordId}`;
export const QUARANTINE_PREFIX = 'Q#';

/** The attribute holding a counter's watermark for one shard (a {@link sequenceKey}). */
export const watermarkAttribute = (shard: string): string => `w:${shard}`;
const WATERMARK_PREFIX = 'w:';

const text = (value: string): AttributeValue => ({ S: value });
const number = (value: number | bigint): AttributeValue => ({ N: String(value) });

const textOf = (item: Item, name: string): string => {
  const value = item[name]?.S;
  if (value === undefined) throw new TypeError(`item ${item.sk?.S ?? '?'} has no text attribute ${name}`);
  return value;
};
const numberOf = (item: Item, name: string): string => item[name]?.N ?? '0';

export const keyOf = (userId: string, sk: string): Item => ({ pk: text(userKey(userId)), sk: text(sk) });

/** An event with the position of the record that stored it. */
export const eventItemOf = ({
  event,
  position,
}: {
  event: ActivityEvent;
  position: StreamPosition;
}): Item => {
  const item: Item = {
    ...keyOf(event.userId, eventKey(event.eventId)),
    t: text(event.type),
    at: text(event.occurredAt),
    q: number(event.quantity),
    os: text(position.shard),
    oq: text(position.sequence),
  };
  if (Object.keys(event.attributes).length > 0) item.a = text(JSON.stringify(event.attributes));
  return item;
};

export const storedEventOf = (userId: string, item: Item): StoredEvent => ({
  event: {
    eventId: textOf(item, 'sk').slice(EVENT_PREFIX.length),
    userId,
    type: textOf(item, 't'),
    occurredAt: textOf(item, 'at'),
    // The number was written from a double's shortest spelling: reading it gives the same double.
    quantity: Number(numberOf(item, 'q')),
    attributes: item.a?.S === undefined ? {} : JSON.parse(item.a.S),
  },
  origin: { shard: textOf(item, 'os'), sequence: textOf(item, 'oq') },
});

/** A counter as read: figures, version and watermarks (raw sequence numbers, per shard). */
export interface CounterState extends CounterTally {
  /** Absent on an item written by something other than this store. */
  readonly version: number | null;
  readonly watermarks: ReadonlyMap<string, string>;
}

/** The raw sequence number a watermark attribute holds. */
export const sequenceOfWatermark = (stored: string): string => stored.slice(3);

export const counterStateOf = (userId: string, item: Item): CounterState => {
  const sk = textOf(item, 'sk');
  const day = sk.slice(2, 12);
  const watermarks = new Map<string, string>();
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(WATERMARK_PREFIX) && value.S !== undefined) {
      watermarks.set(name.slice(WATERMARK_PREFIX.length), sequenceOfWatermark(value.S));
    }
  }
  const count = Number(numberOf(item, 'n'));
  let quantityMicros: bigint;
  try {
    quantityMicros = BigInt(numberOf(item, 'q'));
  } catch {
    // Not an integer: written by something else. Repair rewrites it; until then it reads as drift.
    quantityMicros = -1n;
  }
  return {
    userId,
    day,
    type: sk.slice(13),
    count: Number.isSafeInteger(count) ? count : -1,
    quantityMicros,
    version: item.v?.N === undefined ? null : Number(item.v.N),
    watermarks,
  };
};

/** A counter as repair writes it: the figures and watermarks its events give, one version on. */
export const counterItemOf = (expected: ExpectedCounter, version: number): Item => {
  const item: Item = {
    ...keyOf(expected.userId, counterKey(expected.day, expected.type)),
    n: number(expected.count),
    q: number(expected.quantityMicros),
    v: number(version),
  };
  for (const [shard, sequence] of expected.watermarks)
    item[watermarkAttribute(shard)] = text(sequenceKey(sequence));
  return item;
};

export const counterKeyOf = (key: CounterKey): Item => keyOf(key.userId, counterKey(key.day, key.type));

/** A quarantined record, expiring at `expiresAt` (epoch seconds, the table's TTL attribute). */
export const quarantineItemOf = (record: QuarantinedRecord, retentionMs: number): Item => {
  const item: Item = {
    ...keyOf(record.userId, quarantineKey(record.recordId, record.reason)),
    reason: text(record.reason),
    errors: text(JSON.stringify(record.errors.map(({ path, message }) => ({ path, message })))),
    payload: text(record.payload),
    quarantinedAt: number(record.quarantinedAt),
    recordId: text(record.recordId),
    expiresAt: number(Math.ceil((record.quarantinedAt + retentionMs) / 1000)),
  };
  if (record.eventId !== null) item.eventId = text(record.eventId);
  if (record.correlationId !== null) item.correlationId = text(record.correlationId);
  return item;
};

export const quarantinedRecordOf = (userId: string, item: Item): QuarantinedRecord => ({
  userId,
  eventId: item.eventId?.S ?? null,
  reason: textOf(item, 'reason') as QuarantineReason,
  errors: (JSON.parse(textOf(item, 'errors')) as FieldError[]).map(({ path, message }) => ({
    path,
    message,
  })),
  payload: item.payload?.S ?? '',
  quarantinedAt: Number(numberOf(item, 'quarantinedAt')),
  recordId: textOf(item, 'recordId'),
  correlationId: item.correlationId?.S ?? null,
});
