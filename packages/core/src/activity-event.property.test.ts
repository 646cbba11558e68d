import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { MAX_EVENT_BYTES, parseActivityEvent, parseRfc3339, sameContent } from './activity-event.js';
import { jsonByteLength } from './json-byte-length.js';
import {
  ARBITRARY_NOW,
  type EventInput,
  eventInputArb,
  instantArb,
  invalidEventInputArb,
  offsetMinutesArb,
  validEventArb,
  writeInstant,
} from './testing/arbitraries.js';

/** Any millisecond of years 0000-9999, as RFC 3339 can write them. */
const anyInstantArb: fc.Arbitrary<number> = fc.oneof(
  instantArb,
  fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
);

/** The format as a regular expression: the oracle the character-by-character parser must agree with. */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** 400 Gregorian years, in milliseconds: adding them keeps Date.UTC off its 1900+ reading of years 0-99. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

const referenceParse = (text: string): number | null => {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'));
  const shifted = new Date(Date.UTC(year + 400, month - 1, day, hour, minute, second, fraction));
  const sameDate =
    shifted.getUTCFullYear() === year + 400 &&
    shifted.getUTCMonth() === month - 1 &&
    shifted.getUTCDate() === day;
  if (!sameDate || hour > 23 || minute > 59 || second > 59) return null;
  const local = shifted.getTime() - FOUR_CENTURIES_MS;
  if (m[8] !== undefined) return local;
  const [offsetHours, offsetMinutes] = [Number(m[10]), Number(m[11])];
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  return local - (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
};

/** `width` digits of a number from `min` to `max`, sometimes garbled. */
const fieldArb = (width: number, min: number, max: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min, max }).map((n) => String(n).padStart(width, '0')) },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.constantFrom('0', '9', '-', ':', 'x', ' ', '+', '.'),
        maxLength: width + 1,
      }),
    },
  );

/** Text shaped like an RFC 3339 timestamp, each part valid, at its limits or broken, maybe with a trailer. */
const timestampLikeArb: fc.Arbitrary<string> = fc
  .tuple(
    fieldArb(4, 0, 9999),
    fc.constantFrom('-', '-', '/'),
    fieldArb(2, 0, 13),
    fieldArb(2, 0, 32),
    fc.constantFrom('T', 't', ' '),
    fieldArb(2, 0, 25),
    fieldArb(2, 0, 61),
    fieldArb(2, 0, 61),
    fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.\d{1,12}$/)),
    fc.oneof(
      fc.constantFrom('Z', 'z', '', '+0100', 'UTC'),
      fc
        .tuple(fc.constantFrom('+', '-'), fieldArb(2, 0, 25), fieldArb(2, 0, 61))
        .map(([sign, h, m]) => `${sign}${h}:${m}`),
    ),
    fc.oneof({ weight: 5, arbitrary: fc.constant('') }, fc.constantFrom(' ', 'x', '0', ':00')),
  )
  .map(
    ([year, dash, month, day, t, hour, minute, second, fraction, zone, trailer]) =>
      `${year}${dash}${month}-${day}${t}${hour}:${minute}:${second}${fraction}${zone}${trailer}`,
  );

describe('parseRfc3339', () => {
  test.prop([fc.oneof(timestampLikeArb, fc.string())], { numRuns: 5000 })(
    'agrees with the regular expression of the format on any text',
    (text) => {
      // Act
      const ms = parseRfc3339(text);

      // Assert
      expect(ms).toBe(referenceParse(text));
    },
  );

  test.prop([instantArb, offsetMinutesArb], { numRuns: 1000 })(
    'reads back the instant written in any offset',
    (instant, offset) => {
      // Act
      const ms = parseRfc3339(writeInstant(instant, offset));

      // Assert
      expect(ms).toBe(instant);
    },
  );

  test.prop([anyInstantArb], { numRuns: 1000 })(
    'agrees with Date.parse on the spelling toISOString writes',
    (instant) => {
      // Arrange
      const text = new Date(instant).toISOString();
      fc.pre(text.length === 24);

      // Act
      const ms = parseRfc3339(text);

      // Assert
      expect(ms).toBe(Date.parse(text));
    },
  );
});

/** Strings over an alphabet that mixes allowed and forbidden characters, around a length limit. */
const textNearArb = (alphabet: string, limit: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 6 }),
    fc.string({ unit: fc.constantFrom(...alphabet), minLength: limit - 1, maxLength: limit + 1 }),
  );

/** Values that are not strings, where strings are expected. */
const notTextArb = fc.constantFrom<unknown>(42, null, true, undefined, ['x'], { x: 1 });

const occurredAtNearArb: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.integer({ min: Date.UTC(1999, 11, 31, 23), max: ARBITRARY_NOW + 6 * 60_000 }), offsetMinutesArb)
    .map(([ms, offset]) => writeInstant(ms, offset)),
  fc.constantFrom(
    writeInstant(ARBITRARY_NOW + 5 * 60_000, 0),
    writeInstant(ARBITRARY_NOW + 5 * 60_000 + 1, 0),
    '1999-12-31T23:59:59.999Z',
    '2000-01-01T00:00:00Z',
    '0050-06-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2023-02-29T12:00:00Z',
    '2024-02-29T12:00:00Z',
    '2026-03-01t12:00:00z',
    '2026-03-01T12:00:00',
    '2026-03-01T24:00:00Z',
    '2026-03-01T12:00:00+24:00',
    '2026-03-01',
    '',
  ),
  notTextArb,
);

const quantityNearArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.double(),
  fc.double({ min: 1e-8, max: 1e-5 }),
  fc.constantFrom<unknown>(0, -0, -1, 0.000001, 1e-7, 1_000_000, 1_000_000.000001, 1_000_001, Number.NaN),
  fc.constantFrom<unknown>(0.00000099, 0.0000009999999999, 0.0000015, 5e-324, -0.000001, 999_999.9999995),
  fc.constantFrom<unknown>(Number.POSITIVE_INFINITY, '1', null, undefined, true),
);

const attributeValueNearArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.string({ minLength: 255, maxLength: 257 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: fc.constantFrom('a', '\uD800', '\uDC00', '\u0000', '😀', '€'), maxLength: 4 }),
  fc.string({ unit: fc.constantFrom('a', '😀'), minLength: 128, maxLength: 257 }),
  fc.double(),
  fc.double({ min: 1e-132, max: 1e-128 }),
  fc.double({ min: 1e124, max: 1e128 }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(Number),
  fc.boolean(),
  fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, null, { nested: 1 }, ['a']),
  fc.constantFrom<unknown>(0, -0, 1e-130, -1e-130, 9.9e-131, 5e-324, 1e126, -1e126, 9.99e125, 2 ** 60),
);

const attributeNameNearArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('edge', 'a.b-c_D9', 'n'.repeat(64)), weight: 3 },
  { arbitrary: textNearArb('aZ9_.-#/ é', 64), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toJSON',
      'hasOwnProperty',
      'toString',
      'valueOf',
      'isPrototypeOf',
      '__defineGetter__',
    ),
    weight: 2,
  },
);

/**
 * Attributes with own keys only (`__proto__` included, as JSON.parse makes it): a few or 19-21 valid
 * ones, plus maybe one whose name or value is at or past its limit; or not an object at all.
 */
const attributesNearArb: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 19, max: 21 })),
      fc.option(fc.tuple(attributeNameNearArb, attributeValueNearArb), { nil: undefined }),
    )
    .map(([valid, edge]) => {
      const entries: [string, unknown][] = Array.from({ length: valid }, (_, i) => [`k${i}`, i]);
      if (edge !== undefined) entries.push(edge);
      return Object.fromEntries(entries);
    }),
  fc.constantFrom<unknown>(null, [1, 2], 'a=b', 7, undefined),
);

/** Attributes of multibyte text that bring an event within a few bytes of the 8 KiB limit. */
const heavyAttributesArb: fc.Arbitrary<Record<string, string>> = fc
  .tuple(fc.integer({ min: 9, max: 10 }), fc.integer({ min: 0, max: 256 }), fc.string({ maxLength: 3 }))
  .map(([full, partial, ascii]) => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < full; i++) attributes[`k${i}`] = '€'.repeat(256);
    attributes.partial = '€'.repeat(partial);
    attributes.ascii = ascii;
    return attributes;
  });

/** A valid event input with one field pushed to, or past, the edge of its rule. */
const nearValidInputArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  eventInputArb().map((input): Record<string, unknown> => ({ ...input })),
  fc.tuple(eventInputArb(), fc.oneof(textNearArb('aZ9_-.# é', 64), notTextArb)).map(([input, eventId]) => ({
    ...input,
    eventId,
  })),
  fc
    .tuple(eventInputArb(), fc.oneof(textNearArb('aZ9._:@|-#/ é', 128), notTextArb))
    .map(([input, userId]) => ({ ...input, userId })),
  fc
    .tuple(
      eventInputArb(),
      fc.oneof(
        textNearArb('az09._-A ', 64),
        notTextArb,
        fc.constantFrom('constructor', 'valueof', 'tostring', '__proto__', 'toString', 'prototype'),
      ),
    )
    .map(([input, type]) => ({ ...input, type })),
  fc.tuple(eventInputArb(), occurredAtNearArb).map(([input, occurredAt]) => ({ ...input, occurredAt })),
  fc.tuple(eventInputArb(), quantityNearArb).map(([input, quantity]) => ({ ...input, quantity })),
  fc.tuple(eventInputArb(), attributesNearArb).map(([input, attributes]) => ({ ...input, attributes })),
  fc.tuple(eventInputArb(), heavyAttributesArb).map(([input, attributes]) => ({ ...input, attributes })),
  fc
    .tuple(
      eventInputArb(),
      fc.constantFrom<keyof EventInput | 'quantiy'>('eventId', 'userId', 'type', 'occurredAt', 'quantiy'),
    )
    .map(([input, key]) =>
      key === 'quantiy'
        ? { ...input, quantiy: 2 }
        : Object.fromEntries(Object.entries(input).filter(([k]) => k !== key)),
    ),
);

describe('parseActivityEvent', () => {
  test.prop([nearValidInputArb], { numRuns: 3000 })(
    'gives plain objects the same result as the full schema does (the fast path never differs)',
    (input) => {
      // Arrange: only plain objects take the fast path; the same fields without a prototype take the schema.
      const viaSchema = Object.assign(Object.create(null), input);

      // Act
      const fast = parseActivityEvent(input, { now: ARBITRARY_NOW });
      const full = parseActivityEvent(viaSchema, { now: ARBITRARY_NOW });

      // Assert
      expect(fast).toEqual(full);
    },
  );

  test.prop([eventInputArb()], { numRuns: 1000 })(
    'accepts every event the valid arbitrary makes, within 8 KiB',
    (input) => {
      // Act
      const result = parseActivityEvent(input, { now: ARBITRARY_NOW });

      // Assert
      expect(jsonByteLength(input)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      expect(result).toMatchObject({ ok: true });
    },
  );

  test.prop([invalidEventInputArb()], { numRuns: 1000 })(
    'refuses every event the invalid arbitrary makes, each error naming a field or the whole event',
    ({ input }) => {
      // Act
      const result = parseActivityEvent(input, { now: ARBITRARY_NOW });

      // Assert
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.length).toBeGreaterThan(0);
      for (const error of result.error)
        expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
    },
  );

  test.prop([validEventArb()], { numRuns: 1000 })(
    'keeps attributes as own properties that survive JSON: the event read back has the same content',
    (event) => {
      // Act
      const readBack = parseActivityEvent(JSON.parse(JSON.stringify(event)), { now: ARBITRARY_NOW });

      // Assert
      expect(Object.getPrototypeOf(event.attributes)).toBe(Object.prototype);
      for (const key of Object.keys(event.attributes))
        expect(Object.hasOwn(event.attributes, key)).toBe(true);
      expect(readBack.ok && sameContent(event, readBack.value)).toBe(true);
      expect(readBack.ok && readBack.value).toEqual(event);
    },
  );

  test.prop([eventInputArb()], { numRuns: 500 })(
    'normalizes occurredAt to the toISOString spelling of its instant',
    (input) => {
      // Act
      const result = parseActivityEvent(input, { now: ARBITRARY_NOW });

      // Assert
      expect(result.ok && result.value.occurredAt).toBe(
        new Date(parseRfc3339(input.occurredAt)!).toISOString(),
      );
    },
  );

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 2000 })(
    'can count every finite number at 25 characters, the bound its size check uses',
    (value) => {
      // Act
      const spelled = JSON.stringify(value);

      // Assert
      expect(spelled.length).toBeLessThanOrEqual(25);
    },
  );
});
