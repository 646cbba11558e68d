import fc from 'fast-check';
import { type ActivityEvent, type AttributeValue, parseActivityEvent } from '../activity-event.js';
import {
  MAX_ATTRIBUTE_MAGNITUDE,
  MAX_ATTRIBUTES,
  MAX_EVENT_BYTES,
  MIN_ATTRIBUTE_MAGNITUDE,
  MIN_QUANTITY,
} from '../activity-event-rules.js';
import { jsonByteLength } from '../json-byte-length.js';
import { storableText } from '../storable-text.js';
import { DAY_MS } from '../time-bucket.js';

/**
 * The clock the arbitraries are built against: every generated event occurred before it, and an
 * event "in the future" is future relative to it. Start test clocks here.
 */
export const ARBITRARY_NOW = Date.UTC(2030, 0, 1);

/** An activity event as a client sends it: before validation and normalization. */
export interface EventInput {
  eventId: string;
  userId: string;
  type: string;
  occurredAt: string;
  quantity?: number;
  attributes?: Record<string, AttributeValue>;
}

/** Days that buckets get wrong: year ends, leap days, ISO weeks 53 and 1, month ends. */
const EDGE_DAYS = [
  '2000-01-01',
  '2000-02-29',
  '2015-12-31',
  '2016-01-01',
  '2016-02-29',
  '2019-12-30',
  '2020-02-29',
  '2020-03-01',
  '2020-12-31',
  '2021-01-03',
  '2021-01-04',
  '2023-12-31',
  '2024-01-01',
  '2024-02-28',
  '2024-02-29',
  '2026-12-28',
  '2026-12-31',
  '2027-01-01',
  '2029-12-31',
].map((day) => Date.parse(`${day}T00:00:00Z`));

const FIRST_DAY = Date.UTC(2000, 0, 1) / DAY_MS;
const LAST_DAY = ARBITRARY_NOW / DAY_MS - 1;

/**
 * The start of a UTC day, epoch milliseconds: often an edge (year end, leap day, ISO week 53), else
 * any day of 2000-2029.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(dayArb, (day) => day % DAY_MS === 0));
 * ```
 */
export const dayArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...EDGE_DAYS),
  fc.integer({ min: FIRST_DAY, max: LAST_DAY }).map((day) => day * DAY_MS),
);

/**
 * An instant within a day of {@link dayArb}, often its first or last millisecond.
 *
 * @example
 * ```ts
 * fc.sample(instantArb, 1)[0]; // e.g. Date.UTC(2020, 11, 31, 23, 59, 59, 999)
 * ```
 */
export const instantArb: fc.Arbitrary<number> = fc
  .tuple(dayArb, fc.oneof(fc.constantFrom(0, DAY_MS - 1), fc.integer({ min: 0, max: DAY_MS - 1 })))
  .map(([day, offset]) => day + offset);

/**
 * An offset in minutes a client may write a timestamp with (`Z` is 0).
 *
 * @example
 * ```ts
 * fc.sample(offsetMinutesArb, 3); // e.g. [0, -300, 330]
 * ```
 */
export const offsetMinutesArb: fc.Arbitrary<number> = fc.oneof(
  fc.constant(0),
  fc.constantFrom(-720, -300, 60, 330, 345, 840),
  fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Writes an instant as RFC 3339 in a given offset: the same instant, spelled another way.
 *
 * @example
 * ```ts
 * writeInstant(Date.UTC(2026, 0, 1), 60); // '2026-01-01T01:00:00.000+01:00'
 * ```
 */
export const writeInstant = (ms: number, offsetMinutes: number): string => {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

/**
 * A user id from a small pool, so workloads collide; the pool uses every kind of character a user
 * id may hold.
 *
 * @example
 * ```ts
 * fc.sample(userIdArb, 1)[0]; // e.g. 'org:42|bob'
 * ```
 */
export const userIdArb: fc.Arbitrary<string> = fc.constantFrom(
  'u-1',
  'u-2',
  'alice@example.com',
  'org:42|bob',
  'U.9_x',
);

/**
 * An event id from a small pool, so the same key comes back (duplicates and conflicts).
 *
 * @example
 * ```ts
 * fc.sample(eventIdArb, 1)[0]; // e.g. 'e-3'
 * ```
 */
export const eventIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((n) => `e-${n}`),
  fc.uuid(),
);

/**
 * A type that spells an `Object.prototype` member in lowercase: valid, and counted like any other
 * (a summary kept in a plain object would find `constructor` there already). `__proto__` is not a
 * valid type: it starts with `_`.
 *
 * @example
 * ```ts
 * fc.sample(prototypeNamedTypeArb, 1)[0]; // e.g. 'constructor'
 * ```
 */
export const prototypeNamedTypeArb: fc.Arbitrary<string> = fc.constantFrom(
  'constructor',
  'valueof',
  'tostring',
  'hasownproperty',
  'isprototypeof',
  'tolocalestring',
);

/**
 * An activity type: mostly from a small pool, so that type filters select some events and not
 * others, sometimes one that spells a prototype member, sometimes any the pattern allows (up to 64
 * characters).
 *
 * @example
 * ```ts
 * fc.sample(activityTypeArb, 1)[0]; // e.g. 'track.played'
 * ```
 */
export const activityTypeArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('track.played', 'page.read', 'run_km', 'x') },
  { weight: 2, arbitrary: prototypeNamedTypeArb },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/) },
);

/**
 * A quantity: absent (1), a whole number, a fraction with few digits, a value near the bounds or
 * halfway between two millionths (which rounding must settle), or any double from 0.000001 to
 * 1,000,000.
 *
 * @example
 * ```ts
 * fc.sample(quantityArb, 3); // e.g. [undefined, 2.25, 1000000]
 * ```
 */
export const quantityArb: fc.Arbitrary<number | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 1, max: 1_000 }),
  fc.integer({ min: 1, max: 4_000_000 }).map((n) => n / 4),
  fc.constantFrom(MIN_QUANTITY, 0.0000015, 0.0000025, 999_999.9999995, 1_000_000, 0.1, 0.2, 0.3),
  fc.double({ min: MIN_QUANTITY, max: 1_000_000, noNaN: true }),
);

/**
 * An attribute name: a few plain ones, names of `Object.prototype` members (`toString`...) that
 * must be kept like any other, or any the pattern allows (up to 64 characters).
 *
 * @example
 * ```ts
 * fc.sample(attributeNameArb, 1)[0]; // e.g. 'valueOf'
 * ```
 */
/**
 * Attribute names that spell `Object.prototype` members (and `toJSON`): valid keys with no special
 * meaning, which code indexing a plain object would mistake for inherited members.
 */
export const PROTOTYPE_MEMBER_NAMES: readonly string[] = [
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'toJSON',
];

export const attributeNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('trackId', 'device', 'liked', 'score', 'a.b', 'c-d') },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_MEMBER_NAMES) },
  {
    weight: 1,
    arbitrary: fc
      .stringMatching(/^[A-Za-z0-9_.-]{1,64}$/)
      .filter((name) => name !== '__proto__' && name !== 'constructor' && name !== 'prototype'),
  },
);

/**
 * An attribute number across the whole valid range: 0, small integers, the bounds (1e-130 and the
 * largest double below 1e126), integers beyond 2^53, and any double of either sign in range.
 *
 * @example
 * ```ts
 * fc.sample(attributeNumberArb, 3); // e.g. [0, 1.5e-120, 1152921504606846976]
 * ```
 */
export const attributeNumberArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(
    0,
    MIN_ATTRIBUTE_MAGNITUDE,
    -MIN_ATTRIBUTE_MAGNITUDE,
    9.99e125,
    2 ** 53 + 2,
    2 ** 60,
    -(2 ** 60),
  ),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(Number),
  fc
    .tuple(
      fc.double({
        min: MIN_ATTRIBUTE_MAGNITUDE,
        max: MAX_ATTRIBUTE_MAGNITUDE,
        maxExcluded: true,
        noNaN: true,
      }),
      fc.boolean(),
    )
    .map(([magnitude, negative]) => (negative ? -magnitude : magnitude)),
);

/** One character of attribute text: astral, multibyte, escaped by JSON, or any code point but U+0000. */
const attributeCharArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a', ' ', '😀', '🎵', '€', 'é', '\u{10FFFF}', '\uFFFD', '"', '\\', '\n', '\u0001'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((char) => char !== '\u0000'),
);

/**
 * An attribute string: short, or long up to the 256-unit limit (cut so that no surrogate pair is
 * split), of any valid Unicode.
 *
 * @example
 * ```ts
 * fc.sample(attributeStringArb, 1)[0]; // e.g. 'é😀a'
 * ```
 */
export const attributeStringArb: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: attributeCharArb, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: attributeCharArb, minLength: 120, maxLength: 256 }) },
  )
  .map((text) => storableText(text, 256));

/**
 * Attributes of every value kind: usually a few, sometimes up to the limit of 20.
 *
 * @example
 * ```ts
 * fc.sample(attributesArb, 1)[0]; // e.g. { trackId: 't-1', toString: true }
 * ```
 */
export const attributesArb: fc.Arbitrary<Record<string, AttributeValue> | undefined> = fc.option(
  fc
    .oneof({ weight: 4, arbitrary: fc.constant(4) }, { weight: 1, arbitrary: fc.constant(MAX_ATTRIBUTES) })
    .chain((maxKeys) =>
      fc.dictionary(attributeNameArb, fc.oneof(attributeStringArb, attributeNumberArb, fc.boolean()), {
        maxKeys,
      }),
    ),
  { nil: undefined },
);

/**
 * Drops attributes from the end until the event serializes within 8 KiB: 20 attributes of long
 * multibyte text can make 20 KB, and an event the arbitraries call valid must be valid.
 */
const withinSizeLimit = (input: EventInput): EventInput => {
  if (input.attributes === undefined || jsonByteLength(input) <= MAX_EVENT_BYTES) return input;
  const entries = Object.entries(input.attributes);
  let fitted: EventInput;
  do {
    entries.pop();
    fitted = { ...input, attributes: Object.fromEntries(entries) };
  } while (jsonByteLength(fitted) > MAX_EVENT_BYTES);
  return fitted;
};

/** Which parts of an event arbitrary may vary. */
export interface EventInputConstraints {
  /** Fixes the user (default: {@link userIdArb}). */
  readonly userId?: fc.Arbitrary<string>;
  /** Fixes the event id (default: {@link eventIdArb}). */
  readonly eventId?: fc.Arbitrary<string>;
  /** Fixes the instant (default: {@link instantArb}). */
  readonly instant?: fc.Arbitrary<number>;
}

/**
 * A valid event as a client sends it, written with any offset, with or without quantity and
 * attributes, spanning the whole validated domain (prototype-member names, numbers across their
 * range, long astral text) within 8 KiB. Valid against a clock at {@link ARBITRARY_NOW}.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(eventInputArb(), (input) => parseActivityEvent(input, { now: ARBITRARY_NOW }).ok));
 * ```
 */
export const eventInputArb = (constraints: EventInputConstraints = {}): fc.Arbitrary<EventInput> =>
  fc
    .record({
      eventId: constraints.eventId ?? eventIdArb,
      userId: constraints.userId ?? userIdArb,
      type: activityTypeArb,
      instant: constraints.instant ?? instantArb,
      offset: offsetMinutesArb,
      quantity: quantityArb,
      attributes: attributesArb,
    })
    .map(({ instant, offset, quantity, attributes, ...rest }) =>
      withinSizeLimit({
        ...rest,
        occurredAt: writeInstant(instant, offset),
        ...(quantity === undefined ? {} : { quantity }),
        ...(attributes === undefined ? {} : { attributes }),
      }),
    );

/**
 * Normalizes a valid input as the system does; throws on an invalid one, which is a bug of the test.
 *
 * @example
 * ```ts
 * const event = normalizeEvent({ eventId: 'e-1', userId: 'u-1', type: 'x', occurredAt: '2026-01-01T00:00:00Z' });
 * event.quantity; // 1
 * ```
 */
export const normalizeEvent = (input: EventInput, now = ARBITRARY_NOW): ActivityEvent => {
  const parsed = parseActivityEvent(input, { now });
  if (!parsed.ok) throw new Error(`not a valid event: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
};

/**
 * A valid, normalized event (what a store is given).
 *
 * @example
 * ```ts
 * fc.sample(validEventArb(), 1)[0].occurredAt; // e.g. '2020-12-31T23:59:59.999Z'
 * ```
 */
export const validEventArb = (constraints: EventInputConstraints = {}): fc.Arbitrary<ActivityEvent> =>
  eventInputArb(constraints).map((input) => normalizeEvent(input));

/**
 * The same event spelled differently, as a resend may be: `occurredAt` in another offset, a
 * quantity of 1 left out, attributes in another key order. Its normalization has the same content.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(validEventArb().chain((e) => fc.tuple(fc.constant(e), duplicateInputArb(e))),
 *   ([e, resend]) => sameContent(e, normalizeEvent(resend))));
 * ```
 */
export const duplicateInputArb = (event: ActivityEvent): fc.Arbitrary<EventInput> =>
  fc.tuple(offsetMinutesArb, fc.boolean()).map(([offset, reverse]) => {
    const keys = Object.keys(event.attributes);
    return {
      eventId: event.eventId,
      userId: event.userId,
      type: event.type,
      occurredAt: writeInstant(Date.parse(event.occurredAt), offset),
      ...(event.quantity === 1 && reverse ? {} : { quantity: event.quantity }),
      ...(keys.length === 0 && reverse
        ? {}
        : {
            attributes: Object.fromEntries(
              (reverse ? keys.reverse() : keys).map((key) => [key, event.attributes[key]!]),
            ),
          }),
    };
  });

/**
 * A version of the event with the same key and different content: another type, quantity,
 * instant or attribute.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(validEventArb().chain(conflictingVariantArb), (v) => v.eventId.length > 0));
 * ```
 */
export const conflictingVariantArb = (event: ActivityEvent): fc.Arbitrary<ActivityEvent> =>
  fc
    .oneof(
      activityTypeArb.filter((type) => type !== event.type).map((type) => ({ ...event, type })),
      fc.integer({ min: 1, max: 999 }).map((n) => ({ ...event, quantity: event.quantity === n ? n + 1 : n })),
      fc.integer({ min: 1, max: 3 * DAY_MS }).map((shift) => ({
        ...event,
        occurredAt: new Date(Date.parse(event.occurredAt) - shift).toISOString(),
      })),
      fc.constant({ ...event, attributes: { ...event.attributes, conflict: true } }),
    )
    .filter((variant) => Date.parse(variant.occurredAt) >= Date.UTC(2000, 0, 1));

/**
 * A client event that breaks exactly one rule of the contract (the reason is in `rule`).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(invalidEventInputArb(), ({ input }) => !parseActivityEvent(input, { now: ARBITRARY_NOW }).ok));
 * ```
 */
export const invalidEventInputArb = (
  constraints: EventInputConstraints = {},
): fc.Arbitrary<{ readonly rule: string; readonly input: Record<string, unknown> }> =>
  eventInputArb(constraints).chain((input) =>
    fc
      .constantFrom<[string, Record<string, unknown>]>(
        ['unknown field', { ...input, quantiy: 2 }],
        ['eventId pattern', { ...input, eventId: 'has space' }],
        ['type pattern', { ...input, type: 'Track.Played' }],
        ['quantity zero', { ...input, quantity: 0 }],
        ['quantity below one millionth', { ...input, quantity: 1e-7 }],
        ['quantity too large', { ...input, quantity: 1_000_001 }],
        ['occurredAt without offset', { ...input, occurredAt: '2026-03-01T12:00:00' }],
        ['occurredAt before 2000', { ...input, occurredAt: '1999-12-31T23:59:59Z' }],
        ['occurredAt in the future', { ...input, occurredAt: writeInstant(ARBITRARY_NOW + 6 * 60_000, 0) }],
        ['missing type', Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'type'))],
        ['attribute value', { ...input, attributes: { nested: { no: 1 } } }],
        ['attribute string with a lone surrogate', { ...input, attributes: { note: 'a\uD800' } }],
        ['attribute string with U+0000', { ...input, attributes: { note: 'a\u0000' } }],
        ['attribute number below 1e-130', { ...input, attributes: { n: 9.9e-131 } }],
        ['attribute number of magnitude 1e126', { ...input, attributes: { n: -1e126 } }],
        ['reserved attribute name', { ...input, attributes: JSON.parse('{"__proto__":1}') }],
        ['reserved attribute name constructor', { ...input, attributes: { constructor: 'x' } }],
      )
      .map(([rule, broken]) => ({ rule, input: broken })),
  );

const encoder = new TextEncoder();

/**
 * Stream record data that is not an event at all (quarantined as `malformed_record`).
 *
 * @example
 * ```ts
 * fc.sample(malformedPayloadArb, 1)[0]; // e.g. Uint8Array of 'not json'
 * ```
 */
export const malformedPayloadArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array([0xff, 0xfe, 0x00, 0xc3])),
  fc
    .constantFrom(
      'not json',
      '[1,2,3]',
      '42',
      'null',
      '{"v":2,"event":{}}',
      '{"v":1,"correlationId":"c"}',
      '{"hello":"world"}',
    )
    .map((text) => encoder.encode(text)),
  fc.string({ maxLength: 30 }).map((text) => encoder.encode(`#${text}`)),
);

/**
 * A deterministic pseudo-random number generator (mulberry32) for the `random` options of adapters
 * and simulations: seeded from an arbitrary, a failing run replays exactly.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(fc.integer(), (seed) => { const random = seededRandom(seed); return random() < 1; }));
 * ```
 */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};
