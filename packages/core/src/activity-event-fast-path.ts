import type { ActivityEvent, AttributeValue, ValidationContext } from './activity-event.js';
import {
  EARLIEST_OCCURRED_AT,
  isAttributeName,
  isAttributeNumber,
  isAttributeString,
  isEventId,
  isType,
  MAX_ATTRIBUTES,
  MAX_EVENT_BYTES,
  MAX_FUTURE_SKEW_MS,
  MAX_QUANTITY,
  MIN_QUANTITY,
  USER_ID_PATTERN,
} from './activity-event-rules.js';
import { SKIPPED_KEYS } from './activity-event-schema.js';
import { jsonByteLength } from './json-byte-length.js';
import { isJsonObject } from './json-object.js';
import { normalizedInstant, parseRfc3339 } from './rfc3339-instant.js';

// Reading an event without valibot, for the events that plainly keep every rule: most of them, on
// every path. What it declines goes to the schema, which judges and explains.

const isEventField = (key: string): boolean => {
  switch (key) {
    case 'eventId':
    case 'userId':
    case 'type':
    case 'occurredAt':
    case 'quantity':
    case 'attributes':
      return true;
    default:
      return false;
  }
};

/**
 * Whether the fast path may copy the value as it is. -0 is valid but normalized to 0: this rare
 * value is left to the schema's path.
 */
const isPlainAttributeValue = (value: unknown): value is AttributeValue =>
  typeof value === 'string'
    ? isAttributeString(value)
    : typeof value === 'boolean' ||
      (typeof value === 'number' && isAttributeNumber(value) && !Object.is(value, -0));

/**
 * The longest spelling of a finite number (`-0.0000012345678901234567`). Spelling a number only to
 * count its characters was the dearest step of the fast path, so it counts this bound instead; an
 * event that would exceed the size limit only by these bounds goes to the schema, which counts
 * exactly.
 */
export const MAX_NUMBER_BYTES = 25;

/**
 * `"key":value`, in bytes. Keys, and the values the patterns restrict (identifiers, type,
 * timestamp), are ASCII that JSON writes as is: they take their length plus quotes.
 */
const memberBytes = (key: string, valueBytes: number): number => key.length + 3 + valueBytes;

/**
 * At most how many bytes JSON takes for a string: six per UTF-16 unit (a control character is
 * written `\u001f`, and nothing takes more) and the quotes. Counting it reads no character.
 */
const maxStringBytes = (value: string): number => value.length * 6 + 2;

/**
 * The serialized size in bytes of attributes that plainly keep the rules, numbers counted at
 * their longest and strings by `stringBytes`; or -1 when the schema must judge them.
 */
const plainAttributesBytes = (
  input: Record<string, unknown>,
  stringBytes: (value: string) => number,
): number => {
  let count = 0;
  let bytes = 1;
  for (const key in input) {
    const value = input[key];
    if (!Object.hasOwn(input, key) || SKIPPED_KEYS.has(key) || !isAttributeName(key)) return -1;
    if (++count > MAX_ATTRIBUTES || !isPlainAttributeValue(value)) return -1;
    const valueBytes =
      typeof value === 'string'
        ? stringBytes(value)
        : typeof value === 'number'
          ? MAX_NUMBER_BYTES
          : value
            ? 4
            : 5;
    bytes += (count === 1 ? 0 : 1) + memberBytes(key, valueBytes);
  }
  return bytes + 1;
};

/**
 * The normalized event when the input plainly keeps every rule, read without valibot, whose
 * generic walk cost several times the JSON.parse of the event on the processor's path; `null` for
 * anything else (a broken rule, an event too large or in the future, an unusual prototype, a key
 * valibot skips), which the schema then judges and explains. It applies the same patterns and
 * limits and bounds the serialized size from the fields it checked, so it never accepts what the
 * schema refuses: a property test holds the two paths to the same results.
 */
export const readPlainEvent = (
  input: Record<string, unknown>,
  context: ValidationContext,
): ActivityEvent | null => {
  if (Object.getPrototypeOf(input) !== Object.prototype) return null;
  // Inherited keys need no care here: valibot reads the fields with `in` too, and finds the same.
  for (const key in input) if (!isEventField(key)) return null;
  const { eventId, userId, type, occurredAt, quantity } = input;
  if (typeof eventId !== 'string' || !isEventId(eventId)) return null;
  if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) return null;
  if (typeof type !== 'string' || !isType(type)) return null;
  if (typeof occurredAt !== 'string') return null;
  const occurredAtMs = parseRfc3339(occurredAt);
  if (occurredAtMs === null || occurredAtMs < EARLIEST_OCCURRED_AT) return null;
  if (occurredAtMs > context.now + MAX_FUTURE_SKEW_MS) return null;
  let bytes =
    1 +
    memberBytes('eventId', eventId.length + 2) +
    1 +
    memberBytes('userId', userId.length + 2) +
    1 +
    memberBytes('type', type.length + 2) +
    1 +
    memberBytes('occurredAt', occurredAt.length + 2) +
    1;
  if (quantity !== undefined) {
    if (!(typeof quantity === 'number' && quantity >= MIN_QUANTITY && quantity <= MAX_QUANTITY)) {
      return null;
    }
    bytes += 1 + memberBytes('quantity', MAX_NUMBER_BYTES);
  }
  let attributes: Record<string, AttributeValue> = {};
  const given = input.attributes;
  if (given !== undefined) {
    if (!isJsonObject(given) || Object.getPrototypeOf(given) !== Object.prototype) return null;
    let attributesBytes = plainAttributesBytes(given, maxStringBytes);
    if (attributesBytes < 0) return null;
    if (
      context.serializedBytes === undefined &&
      bytes + 1 + memberBytes('attributes', attributesBytes) > MAX_EVENT_BYTES
    ) {
      // The bound is loose for long text: count the strings exactly before judging the size.
      attributesBytes = plainAttributesBytes(given, jsonByteLength);
    }
    bytes += 1 + memberBytes('attributes', attributesBytes);
    // Every key was checked: V8 clones the object whole, faster than adding its keys one by one.
    // (A spread would also copy symbol keys, which JSON cannot carry and nothing downstream reads.)
    attributes = { ...given } as Record<string, AttributeValue>;
  }
  if ((context.serializedBytes ?? bytes) > MAX_EVENT_BYTES) return null;
  return {
    eventId,
    userId,
    type,
    occurredAt: normalizedInstant(occurredAt, occurredAtMs),
    quantity: quantity ?? 1,
    attributes,
  };
};
