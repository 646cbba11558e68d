import { readPlainEvent } from './activity-event-fast-path.js';
import { parseWithSchema } from './activity-event-schema.js';
import type { FieldError } from './field-error.js';
import { isJsonObject } from './json-object.js';
import { err, ok, type Result } from './result.js';

/**
 * An attribute value: a short string of valid Unicode, a number 0 or of magnitude from
 * {@link MIN_ATTRIBUTE_MAGNITUDE} to {@link MAX_ATTRIBUTE_MAGNITUDE}, or a boolean.
 */
export type AttributeValue = string | number | boolean;

/**
 * A validated, normalized activity event: `occurredAt` is the instant in UTC with millisecond
 * precision (`2026-03-01T12:00:00.000Z`), `quantity` defaults to 1 and `attributes` to `{}`.
 * Two events with the same (`userId`, `eventId`) are the same event when {@link sameContent} holds.
 *
 * @example
 * ```ts
 * const event: ActivityEvent = {
 *   eventId: 'e-1', userId: 'u-1', type: 'track.played',
 *   occurredAt: '2026-03-01T12:00:00.000Z', quantity: 3.5, attributes: { trackId: 't-9' },
 * };
 * ```
 */
export interface ActivityEvent {
  readonly eventId: string;
  readonly userId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly quantity: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** What validation needs to know beyond the event itself. */
export interface ValidationContext {
  /** The server's clock, epoch milliseconds. */
  readonly now: number;
  /** The event's serialized size in bytes when already known (a stream record); else it is computed. */
  readonly serializedBytes?: number;
}

/**
 * Validates an event against the contract and normalizes it. Every broken rule is reported, each
 * naming its field (the empty path `""` for a rule about the whole event: not an object, over
 * 8 KiB); unknown top-level fields are rejected so that a typo cannot pass silently. The list is
 * bounded by `capFieldErrors` (at most 20 errors, each cut to a readable length). Attribute keys
 * are kept as own properties whatever they spell (`toString`, `valueOf`...), and -0 becomes 0.
 *
 * @example
 * ```ts
 * const result = parseActivityEvent(
 *   { eventId: 'e-1', userId: 'u-1', type: 'track.played', occurredAt: '2026-03-01T12:00:00+01:00' },
 *   { now: Date.now() },
 * );
 * if (result.ok) result.value.occurredAt; // '2026-03-01T11:00:00.000Z'
 * ```
 */
export const parseActivityEvent = (
  input: unknown,
  context: ValidationContext,
): Result<ActivityEvent, FieldError[]> => {
  // valibot's strictObject reads an array as an object (and reports its fields as missing).
  if (!isJsonObject(input)) return err([{ path: '', message: 'an event must be a JSON object' }]);
  // Most events keep every rule plainly and skip valibot's walk; the schema judges and explains the rest.
  const plain = readPlainEvent(input, context);
  return plain === null ? parseWithSchema(input, context) : ok(plain);
};

/**
 * The event's instant in epoch milliseconds.
 *
 * @example
 * ```ts
 * occurredAtMs(event); // 1772366400000
 * ```
 */
export const occurredAtMs = (event: ActivityEvent): number => Date.parse(event.occurredAt);

/**
 * Whether two normalized events with the same key carry the same content: a resend (counted once)
 * rather than a conflict. Attributes compare as a set of key/value pairs.
 *
 * @example
 * ```ts
 * sameContent(stored, incoming) ? 'duplicate' : 'conflict';
 * ```
 */
export const sameContent = (a: ActivityEvent, b: ActivityEvent): boolean => {
  if (a.type !== b.type || a.occurredAt !== b.occurredAt || a.quantity !== b.quantity) return false;
  const aKeys = Object.keys(a.attributes);
  if (aKeys.length !== Object.keys(b.attributes).length) return false;
  return aKeys.every((key) => Object.hasOwn(b.attributes, key) && b.attributes[key] === a.attributes[key]);
};
