import type { FieldError } from './field-error.js';
import { isStorableText } from './storable-text.js';

// The rules an activity event keeps, field by field, and its limits: the one statement of them that
// the schema and the fast path both apply.

/** The earliest accepted `occurredAt`. */
export const EARLIEST_OCCURRED_AT = Date.UTC(2000, 0, 1);
/** How far past the server's clock an `occurredAt` may be (clock skew of devices). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** The largest serialized event, in bytes of UTF-8. */
export const MAX_EVENT_BYTES = 8 * 1024;
/** The most attributes an event may carry. */
export const MAX_ATTRIBUTES = 20;
/**
 * The smallest `quantity`: one millionth, the unit quantities are summed in. A smaller one is
 * refused rather than counted as 0.
 *
 * @example
 * ```ts
 * parseActivityEvent({ ...event, quantity: MIN_QUANTITY }, { now }).ok; // true
 * ```
 */
export const MIN_QUANTITY = 0.000001;
/**
 * The smallest magnitude of a nonzero attribute number (inclusive), DynamoDB's: smaller ones would
 * be stored as 0 or refused by the store.
 *
 * @example
 * ```ts
 * parseActivityEvent({ ...event, attributes: { x: 1e-130 } }, { now }).ok; // true
 * ```
 */
export const MIN_ATTRIBUTE_MAGNITUDE = 1e-130;
/**
 * The bound on the magnitude of an attribute number (exclusive), DynamoDB's.
 *
 * @example
 * ```ts
 * parseActivityEvent({ ...event, attributes: { x: 1e126 } }, { now }).ok; // false
 * ```
 */
export const MAX_ATTRIBUTE_MAGNITUDE = 1e126;

/**
 * What a `userId` looks like: 1-128 characters, alphanumeric first, then `A-Z a-z 0-9 . _ : @ | -`
 * (no `#`, `/` or spaces, so it is safe inside keys and paths).
 *
 * @example
 * ```ts
 * USER_ID_PATTERN.test('u-1'); // true
 * ```
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@|-]{0,127}$/;

/** The rule of {@link USER_ID_PATTERN}, as every refusal of a `userId` states it. */
export const USER_ID_RULE = '1-128 characters, starting alphanumeric, then A-Z a-z 0-9 . _ : @ | -';

/**
 * The error of a `userId` that breaks {@link USER_ID_PATTERN}, with the one message every refusal
 * of it uses (events, history and diagnosis requests); `null` for a valid one.
 *
 * @example
 * ```ts
 * userIdError('a#b'); // { path: 'userId', message: 'userId must be 1-128 characters, ...' }
 * userIdError('u-1'); // null
 * ```
 */
export const userIdError = (userId: string): FieldError | null =>
  USER_ID_PATTERN.test(userId) ? null : { path: 'userId', message: `userId must be ${USER_ID_RULE}` };

// The character rules, with the 64-character limits checked on their own: a bounded repetition
// costs V8's regular expressions up to half again as much, on every event.
const EVENT_ID_CHARACTERS = /^[A-Za-z0-9_-]+$/;
const TYPE_CHARACTERS = /^[a-z0-9][a-z0-9._-]*$/;
const ATTRIBUTE_NAME_CHARACTERS = /^[A-Za-z0-9_.-]+$/;
const MAX_NAME_LENGTH = 64;

/** 1-64 characters of `A-Z a-z 0-9 _ -`. */
export const isEventId = (value: string): boolean =>
  value.length <= MAX_NAME_LENGTH && EVENT_ID_CHARACTERS.test(value);
/** The rule of {@link isEventId}, as every refusal of an `eventId` states it. */
export const EVENT_ID_RULE = '1-64 characters of A-Z a-z 0-9 _ -';
/** 1-64 characters of `a-z 0-9 . _ -`, alphanumeric first. */
export const isType = (value: string): boolean =>
  value.length <= MAX_NAME_LENGTH && TYPE_CHARACTERS.test(value);
/** 1-64 characters of `A-Z a-z 0-9 _ . -`. */
export const isAttributeName = (value: string): boolean =>
  value.length <= MAX_NAME_LENGTH && ATTRIBUTE_NAME_CHARACTERS.test(value);
/** The longest attribute string, in UTF-16 units. */
export const MAX_ATTRIBUTE_STRING = 256;
/** The largest `quantity`. */
export const MAX_QUANTITY = 1_000_000;

/** Finite, and 0 or within DynamoDB's range: every store keeps such a double exactly. */
export const isAttributeNumber = (value: number): boolean => {
  const magnitude = Math.abs(value);
  return value === 0 || (magnitude >= MIN_ATTRIBUTE_MAGNITUDE && magnitude < MAX_ATTRIBUTE_MAGNITUDE);
};

/** At most {@link MAX_ATTRIBUTE_STRING} units of text every store keeps as sent. */
export const isAttributeString = (value: string): boolean =>
  value.length <= MAX_ATTRIBUTE_STRING && isStorableText(value);
