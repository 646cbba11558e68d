import * as v from 'valibot';
import { capFieldErrors, type FieldError } from './field-error.js';
import { jsonByteLength } from './json-byte-length.js';
import { isJsonObject } from './json-object.js';
import { err, ok, type Result } from './result.js';
import { isStorableText } from './storable-text.js';

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

/** The ASCII digit at `i`, or NaN, which fails every range check it reaches. */
const digitAt = (text: string, i: number): number => {
  const digit = text.charCodeAt(i) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
};

const twoDigitsAt = (text: string, i: number): number => digitAt(text, i) * 10 + digitAt(text, i + 1);

const HYPHEN = 45;
const COLON = 58;
const DOT = 46;

/**
 * Parses an RFC 3339 timestamp with an explicit offset into epoch milliseconds, or `null` when the
 * text is not one or names an impossible date (February 30th, hour 24, offset +25:00). The form
 * is `YYYY-MM-DDTHH:MM:SS`, an optional fraction of a second (kept to the millisecond, truncated),
 * then `Z` or `+hh:mm` / `-hh:mm`; `T` and `Z` may be lowercase. It is read character by
 * character: it runs for every event, and a regular expression's captures cost several times more.
 *
 * @example
 * ```ts
 * parseRfc3339('2026-01-01T01:00:00+01:00'); // Date.UTC(2026, 0, 1)
 * ```
 */
export const parseRfc3339 = (text: string): number | null => {
  if (text.length < 20) return null;
  const dateTimeSeparators =
    text.charCodeAt(4) === HYPHEN &&
    text.charCodeAt(7) === HYPHEN &&
    text.charCodeAt(13) === COLON &&
    text.charCodeAt(16) === COLON;
  if (!dateTimeSeparators || (text[10] !== 'T' && text[10] !== 't')) return null;
  // Written as "in range" tests, so that a NaN (a character that is not a digit) fails them.
  const year = twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return null;
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return null;
  let end = 19;
  let fraction = 0;
  if (text.charCodeAt(end) === DOT) {
    for (let scale = 100; ++end < text.length; scale = Math.floor(scale / 10)) {
      const digit = digitAt(text, end);
      if (Number.isNaN(digit)) break;
      fraction += digit * scale;
    }
    if (end === 20) return null;
  }
  const local =
    ((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fraction;
  const zone = text[end];
  if ((zone === 'Z' || zone === 'z') && end + 1 === text.length) return local;
  if ((zone !== '+' && zone !== '-') || end + 6 !== text.length || text.charCodeAt(end + 3) !== COLON)
    return null;
  const offsetHours = twoDigitsAt(text, end + 1);
  const offsetMinutes = twoDigitsAt(text, end + 4);
  if (!(offsetHours <= 23 && offsetMinutes <= 59)) return null;
  const sign = zone === '-' ? -1 : 1;
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const daysInMonth = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1]!;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, in integer arithmetic: several times faster
 * than `Date.UTC` plus a `Date` to check the result (this runs for every event), and right for
 * years 0-99, which `Date.UTC` reads as 1900-1999. The algorithm counts in 400-year eras of
 * 146,097 days, with years starting on March 1st so that the leap day is the last of the year.
 */
const daysSinceEpoch = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

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

const USER_ID_RULE = '1-128 characters, starting alphanumeric, then A-Z a-z 0-9 . _ : @ | -';

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

const isEventId = (value: string): boolean =>
  value.length <= MAX_NAME_LENGTH && EVENT_ID_CHARACTERS.test(value);
const isType = (value: string): boolean => value.length <= MAX_NAME_LENGTH && TYPE_CHARACTERS.test(value);
const isAttributeName = (value: string): boolean =>
  value.length <= MAX_NAME_LENGTH && ATTRIBUTE_NAME_CHARACTERS.test(value);
const MAX_ATTRIBUTE_STRING = 256;
const MAX_QUANTITY = 1_000_000;

/** Finite, and 0 or within DynamoDB's range: every store keeps such a double exactly. */
const isAttributeNumber = (value: number): boolean => {
  const magnitude = Math.abs(value);
  return value === 0 || (magnitude >= MIN_ATTRIBUTE_MAGNITUDE && magnitude < MAX_ATTRIBUTE_MAGNITUDE);
};

const isAttributeString = (value: string): boolean =>
  value.length <= MAX_ATTRIBUTE_STRING && isStorableText(value);

const text = (field: string, isValid: (value: string) => boolean, rule: string) =>
  v.pipe(v.string(`${field} must be a string`), v.check(isValid, `${field} must be ${rule}`));

const attributeValue = v.union(
  [
    v.pipe(
      v.string(),
      v.maxLength(
        MAX_ATTRIBUTE_STRING,
        `attribute strings must be at most ${MAX_ATTRIBUTE_STRING} characters`,
      ),
      v.check(
        isStorableText,
        'attribute strings must be valid Unicode (no lone surrogate, no U+0000 character)',
      ),
    ),
    v.pipe(
      v.number(),
      v.finite('attribute numbers must be finite'),
      v.check(
        isAttributeNumber,
        'attribute numbers must be 0 or have a magnitude from 1e-130 (inclusive) to 1e126 (exclusive)',
      ),
    ),
    v.boolean(),
  ],
  'attribute values must be a string (at most 256 characters), a finite number or a boolean',
);

const eventSchema = v.strictObject(
  {
    eventId: text('eventId', isEventId, '1-64 characters of A-Z a-z 0-9 _ -'),
    userId: text('userId', (value) => USER_ID_PATTERN.test(value), USER_ID_RULE),
    type: text('type', isType, '1-64 lowercase characters a-z 0-9 . _ -, starting alphanumeric'),
    occurredAt: v.pipe(
      v.string('occurredAt must be a string'),
      v.check(
        (value) => parseRfc3339(value) !== null,
        'occurredAt must be an RFC 3339 timestamp with an explicit offset, e.g. 2026-03-01T12:00:00Z',
      ),
      v.check(
        (value) => (parseRfc3339(value) ?? 0) >= EARLIEST_OCCURRED_AT,
        'occurredAt must not be before 2000-01-01T00:00:00Z',
      ),
    ),
    quantity: v.optional(
      v.pipe(
        v.number('quantity must be a number'),
        v.finite('quantity must be a finite number'),
        v.minValue(MIN_QUANTITY, `quantity must be at least ${MIN_QUANTITY} (one millionth)`),
        v.maxValue(MAX_QUANTITY, `quantity must be at most ${MAX_QUANTITY}`),
      ),
    ),
    attributes: v.optional(
      v.pipe(
        // valibot's record accepts an array as an object with keys "0", "1"...: the contract wants an object.
        v.custom<Record<string, unknown>>(isJsonObject, 'attributes must be an object'),
        v.record(
          v.pipe(
            v.string(),
            v.check(isAttributeName, 'attribute names must be 1-64 characters of A-Z a-z 0-9 _ . -'),
          ),
          attributeValue,
          'attributes must be an object',
        ),
        v.check(
          (attributes) => Object.keys(attributes).length <= MAX_ATTRIBUTES,
          `attributes must have at most ${MAX_ATTRIBUTES} keys`,
        ),
      ),
    ),
  },
  'an event must be a JSON object',
);

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

/** Keys valibot's record skips without a word: such attributes are left to it. */
const SKIPPED_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

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
 * The normalized spelling of an instant (`toISOString`). Events from ingest arrive spelled so
 * already; then the text is kept rather than rebuilt, which costs more than the rest of the check.
 */
const normalizedInstant = (text: string, ms: number): string =>
  text.length === 24 && text[10] === 'T' && text[19] === '.' && text[23] === 'Z'
    ? text
    : new Date(ms).toISOString();

/**
 * The longest spelling of a finite number (`-0.0000012345678901234567`). Spelling a number only to
 * count its characters was the dearest step of the fast path, so it counts this bound instead; an
 * event that would exceed the size limit only by these bounds goes to the schema, which counts
 * exactly.
 */
const MAX_NUMBER_BYTES = 25;

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
const readPlainEvent = (input: Record<string, unknown>, context: ValidationContext): ActivityEvent | null => {
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

const issuePath = (issue: v.BaseIssue<unknown>): string =>
  (issue.path ?? []).map((item) => String(item.key)).join('.');

const toFieldErrors = (issues: readonly v.BaseIssue<unknown>[]): FieldError[] =>
  issues.map((issue) => {
    const path = issuePath(issue);
    // valibot reports unknown and missing keys as issues of the object itself, with its message.
    if (issue.type === 'strict_object' && path !== '') {
      return issue.expected === 'never'
        ? { path, message: `unknown field "${path}" is not allowed (check its spelling)` }
        : { path, message: `${path} is required` };
    }
    return { path, message: issue.message };
  });

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
  const plain = readPlainEvent(input, context);
  if (plain !== null) return ok(plain);
  const parsed = v.safeParse(eventSchema, input, { abortPipeEarly: true });
  if (!parsed.success) return err(capFieldErrors(toFieldErrors(parsed.issues)));
  const raw = parsed.output;
  const occurredAtMs = parseRfc3339(raw.occurredAt) as number;
  const errors: FieldError[] = [];
  // valibot's record drops these keys silently; an attribute must never vanish without a word.
  const attributes = (input as { attributes?: unknown }).attributes;
  if (isJsonObject(attributes)) {
    for (const key of Object.keys(attributes).filter((k) => SKIPPED_KEYS.has(k))) {
      errors.push({
        path: `attributes.${key}`,
        message: `attribute name "${key}" is reserved: __proto__, constructor and prototype name JavaScript object internals and cannot be attribute names`,
      });
    }
  }
  if (occurredAtMs > context.now + MAX_FUTURE_SKEW_MS) {
    errors.push({
      path: 'occurredAt',
      message: 'occurredAt must not be more than 5 minutes after the server clock',
    });
  }
  const bytes = context.serializedBytes ?? jsonByteLength(input);
  if (bytes > MAX_EVENT_BYTES) {
    errors.push({
      // A rule about no single field: the empty path names the whole event.
      path: '',
      message: `the serialized event must be at most ${MAX_EVENT_BYTES} bytes (it has ${bytes})`,
    });
  }
  if (errors.length > 0) return err(capFieldErrors(errors));
  return ok({
    eventId: raw.eventId,
    userId: raw.userId,
    type: raw.type,
    occurredAt: normalizedInstant(raw.occurredAt, occurredAtMs),
    quantity: raw.quantity ?? 1,
    attributes: normalizedAttributes(raw.attributes ?? {}),
  });
};

/**
 * A copy of validated attributes with -0 read as 0, since JSON writes -0 as 0 and the stream and
 * every store would return 0. `Object.fromEntries` defines own properties, so a key that spells a
 * prototype member (`toString`) holds the value sent and nothing else.
 */
const normalizedAttributes = (attributes: Record<string, AttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, value === 0 ? 0 : value]));

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
