import * as v from 'valibot';
import type { ActivityEvent, AttributeValue, ValidationContext } from './activity-event.js';
import {
  EARLIEST_OCCURRED_AT,
  EVENT_ID_RULE,
  isAttributeName,
  isAttributeNumber,
  isEventId,
  isType,
  MAX_ATTRIBUTE_STRING,
  MAX_ATTRIBUTES,
  MAX_EVENT_BYTES,
  MAX_FUTURE_SKEW_MS,
  MAX_QUANTITY,
  MIN_QUANTITY,
  USER_ID_PATTERN,
  USER_ID_RULE,
} from './activity-event-rules.js';
import { capFieldErrors, type FieldError } from './field-error.js';
import { jsonByteLength } from './json-byte-length.js';
import { isJsonObject } from './json-object.js';
import { err, ok, type Result } from './result.js';
import { normalizedInstant, parseRfc3339 } from './rfc3339-instant.js';
import { isStorableText } from './storable-text.js';

// The valibot schema of an event, and the checks it cannot express: the path that judges every
// event the fast path leaves, and explains each broken rule.

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
    eventId: text('eventId', isEventId, EVENT_ID_RULE),
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

/** Keys valibot's record skips without a word: such attributes are left to it. */
export const SKIPPED_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

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

/**
 * Validates an object against the schema and the rules beyond it (reserved attribute names, the
 * future skew, the size), then normalizes it; every broken rule is reported, the list bounded by
 * `capFieldErrors`.
 */
export const parseWithSchema = (
  input: Record<string, unknown>,
  context: ValidationContext,
): Result<ActivityEvent, FieldError[]> => {
  const parsed = v.safeParse(eventSchema, input, { abortPipeEarly: true });
  if (!parsed.success) return err(capFieldErrors(toFieldErrors(parsed.issues)));
  const raw = parsed.output;
  const occurredAtMs = parseRfc3339(raw.occurredAt) as number;
  const errors: FieldError[] = [];
  // valibot's record drops these keys silently; an attribute must never vanish without a word.
  const attributes = input.attributes;
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
    // The largest field is what to shrink; the rule is about the whole event, which the empty path names.
    const [largest, largestBytes] = Object.entries(input)
      .map(([key, value]) => [key, jsonByteLength(value)] as const)
      .reduce((a, b) => (b[1] > a[1] ? b : a));
    errors.push({
      path: '',
      message:
        `the serialized event must be at most ${MAX_EVENT_BYTES} bytes (it has ${bytes}; ` +
        `its largest field is ${largest}, ${largestBytes} bytes)`,
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
