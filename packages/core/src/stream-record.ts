import { type ActivityEvent, parseActivityEvent } from './activity-event.js';
import { USER_ID_PATTERN } from './activity-event-rules.js';
import { capFieldErrors, type FieldError } from './field-error.js';
import { isJsonObject } from './json-object.js';
import { storableText } from './storable-text.js';

/**
 * What ingest writes to the stream for each accepted event; the partition key is the `userId`, so
 * one user's events keep their order.
 *
 * @example
 * ```ts
 * const envelope: StreamEnvelope = { v: 1, event, correlationId: 'req-1', receivedAt: '2026-03-01T12:00:00.000Z' };
 * ```
 */
export interface StreamEnvelope {
  readonly v: 1;
  readonly event: ActivityEvent;
  readonly correlationId: string;
  readonly receivedAt: string;
}

/**
 * A record as the processor receives it from the stream.
 *
 * @example
 * ```ts
 * const record: IncomingRecord = { recordId: '4959...', shard: 'shardId-000000000000', partitionKey: 'u-1', data: bytes, arrivedAt: Date.now() };
 * ```
 */
export interface IncomingRecord {
  /** The stream's identifier for the record: its sequence number in its shard (decimal digits). */
  readonly recordId: string;
  /** The shard the record was read from (a Kinesis shard id). */
  readonly shard: string;
  readonly partitionKey: string;
  /** The record's data, already base64-decoded. */
  readonly data: Uint8Array;
  /** When the stream received the record, epoch milliseconds. */
  readonly arrivedAt: number;
}

/** A stream record read as an event, or why it is not one. */
export type DecodedRecord =
  | {
      readonly kind: 'event';
      readonly event: ActivityEvent;
      readonly correlationId: string | null;
      readonly text: string;
    }
  | {
      readonly kind: 'invalid_event' | 'malformed_record';
      /** The user the record is attributed to: its event's valid `userId`, else the partition key. */
      readonly userId: string;
      readonly eventId: string | null;
      readonly errors: readonly FieldError[];
      readonly correlationId: string | null;
      readonly text: string;
    };

const decoder = new TextDecoder('utf-8', { fatal: true });
const EVENT_FIELDS = ['eventId', 'userId', 'type', 'occurredAt'];
const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const stringField = (value: Record<string, unknown>, key: string, pattern: RegExp): string | null => {
  const field = value[key];
  return typeof field === 'string' && pattern.test(field) ? field : null;
};

/** The longest correlation id kept from an envelope, in UTF-16 units. */
const MAX_CORRELATION_ID_LENGTH = 128;

/**
 * A record that is not an event at all, attributed to its partition key. The message may quote the
 * record (an unknown envelope version), hence the cap.
 */
const malformed = (
  record: IncomingRecord,
  text: string,
  message: string,
  correlationId: string | null = null,
): DecodedRecord => ({
  kind: 'malformed_record',
  userId: record.partitionKey,
  eventId: null,
  errors: capFieldErrors([{ path: '', message }]),
  correlationId,
  text,
});

/**
 * Reads a stream record: a version-1 envelope or, for producers that write to the stream directly,
 * a bare event. Bytes that are not UTF-8 JSON, an object that is neither an envelope nor shaped like
 * an event, or an envelope of an unknown version are `malformed_record`; an event that breaks the
 * schema is `invalid_event`. Bare events and enveloped ones meet the same rules; what is kept for a
 * quarantine is bounded (errors by `capFieldErrors`, the correlation id to 128 units).
 *
 * @example
 * ```ts
 * const decoded = decodeRecord(record, Date.now());
 * if (decoded.kind === 'event') await store.append([decoded.event]);
 * ```
 */
export const decodeRecord = (record: IncomingRecord, now: number): DecodedRecord => {
  let text: string;
  try {
    text = decoder.decode(record.data);
  } catch {
    return malformed(record, '', 'record data is not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return malformed(record, text, 'record data is not JSON');
  }
  if (!isJsonObject(value)) return malformed(record, text, 'record data is not a JSON object');
  let candidate: unknown = value;
  let correlationId: string | null = null;
  // A bare event is the whole record; an enveloped one is measured on its own by the schema.
  let serializedBytes: number | undefined;
  if ('v' in value) {
    correlationId =
      typeof value.correlationId === 'string'
        ? storableText(value.correlationId, MAX_CORRELATION_ID_LENGTH)
        : null;
    if (value.v !== 1) {
      return malformed(record, text, `unknown envelope version ${JSON.stringify(value.v)}`, correlationId);
    }
    if (!isJsonObject(value.event))
      return malformed(record, text, 'envelope has no event object', correlationId);
    candidate = value.event;
  } else if (!EVENT_FIELDS.some((field) => field in value)) {
    return malformed(record, text, 'record data is neither an event envelope nor an event');
  } else {
    serializedBytes = record.data.byteLength;
  }
  const parsed = parseActivityEvent(
    candidate,
    serializedBytes === undefined ? { now } : { now, serializedBytes },
  );
  if (parsed.ok) return { kind: 'event', event: parsed.value, correlationId, text };
  const fields = candidate as Record<string, unknown>;
  return {
    kind: 'invalid_event',
    userId: stringField(fields, 'userId', USER_ID_PATTERN) ?? record.partitionKey,
    eventId: stringField(fields, 'eventId', EVENT_ID),
    // Already capped by parseActivityEvent; capped here too, as this is where errors leave core.
    errors: capFieldErrors(parsed.error),
    correlationId,
    text,
  };
};

/**
 * Serializes an envelope as record data.
 *
 * @example
 * ```ts
 * const data = encodeEnvelope(envelope); // Uint8Array of UTF-8 JSON
 * ```
 */
export const encodeEnvelope = (envelope: StreamEnvelope): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(envelope));
