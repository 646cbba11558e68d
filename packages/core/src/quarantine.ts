import type { FieldError } from './field-error.js';
import { storableText } from './storable-text.js';

/**
 * Why a record was set aside. Stable codes: new ones may be added, none renamed.
 * - `invalid_event`: an event that fails the schema;
 * - `conflict`: an event whose key was stored before with different content (the first stands);
 * - `malformed_record`: stream data that is not an event at all;
 * - `unstorable` (v1.1): the store refused the event for its own content while it took the
 *   invocation's other writes (a refusal of every write is an outage, retried instead).
 */
export type QuarantineReason = 'invalid_event' | 'conflict' | 'malformed_record' | 'unstorable';

/** Every quarantine reason. */
export const QUARANTINE_REASONS: readonly QuarantineReason[] = [
  'invalid_event',
  'conflict',
  'malformed_record',
  'unstorable',
];

/** How long every bundled store keeps a quarantined record unless configured otherwise: 30 days. */
export const DEFAULT_QUARANTINE_RETENTION_DAYS = 30;

/** The longest raw payload kept with a quarantined record, in characters. */
export const MAX_QUARANTINED_PAYLOAD = 2048;

/**
 * A record the processor set aside, kept per user so the diagnosis can show it. Attributed to the
 * event's `userId` when it names a valid one, else to the stream record's partition key. Every
 * field is bounded (errors by `capFieldErrors`, the payload by {@link truncatePayload}), so the
 * largest record serializes to well under 64 KB.
 *
 * @example
 * ```ts
 * const entry: QuarantinedRecord = {
 *   userId: 'u-1', eventId: 'e-1', reason: 'invalid_event', quarantinedAt: Date.now(),
 *   errors: [{ path: 'quantity', message: 'quantity must be at least 0.000001' }],
 *   payload: '{"eventId":"e-1",...}', recordId: '4959...', correlationId: 'c-1',
 * };
 * ```
 */
export interface QuarantinedRecord {
  readonly userId: string;
  readonly eventId: string | null;
  readonly reason: QuarantineReason;
  readonly errors: readonly FieldError[];
  /** The raw record data, cut to {@link MAX_QUARANTINED_PAYLOAD} characters. */
  readonly payload: string;
  /** Epoch milliseconds. */
  readonly quarantinedAt: number;
  /** The stream record's identifier (a Kinesis sequence number). */
  readonly recordId: string;
  readonly correlationId: string | null;
}

/**
 * Cuts a raw payload to what is kept with a quarantined record: at most
 * {@link MAX_QUARANTINED_PAYLOAD} UTF-16 units, never half a surrogate pair (the cut moves one unit
 * earlier), with U+0000 and lone surrogates replaced by U+FFFD so that every store can hold it.
 *
 * @example
 * ```ts
 * truncatePayload('x'.repeat(5000)).length; // 2048
 * truncatePayload(`${'x'.repeat(2047)}😀`).length; // 2047
 * ```
 */
export const truncatePayload = (payload: string): string => storableText(payload, MAX_QUARANTINED_PAYLOAD);
