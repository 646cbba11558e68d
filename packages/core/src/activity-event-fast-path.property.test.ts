import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_NUMBER_BYTES, readPlainEvent } from './activity-event-fast-path.js';
import { parseWithSchema } from './activity-event-schema.js';
import { ok } from './result.js';
import {
  ARBITRARY_NOW,
  type EventInput,
  eventInputArb,
  offsetMinutesArb,
  writeInstant,
} from './testing/arbitraries.js';

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

describe('readPlainEvent', () => {
  it('reads a plain valid event without the schema, normalized as the schema would', () => {
    // Arrange
    const input = {
      eventId: 'e-1',
      userId: 'u-1',
      type: 'track.played',
      occurredAt: '2026-03-01T12:00:00+01:00',
      attributes: { trackId: 't-9' },
    };

    // Act
    const fast = readPlainEvent(input, { now: ARBITRARY_NOW });

    // Assert
    expect(fast).toEqual({ ...input, occurredAt: '2026-03-01T11:00:00.000Z', quantity: 1 });
  });

  it('leaves an object without the plain prototype to the schema', () => {
    // Arrange
    const input = Object.assign(Object.create(null), {
      eventId: 'e-1',
      userId: 'u-1',
      type: 'track.played',
      occurredAt: '2026-03-01T11:00:00Z',
    });

    // Act
    const fast = readPlainEvent(input, { now: ARBITRARY_NOW });

    // Assert
    expect(fast).toBeNull();
  });

  test.prop([nearValidInputArb], { numRuns: 3000 })(
    'accepts only what the schema accepts, and normalizes it as the schema does (the fast path never differs)',
    (input) => {
      // Act
      const fast = readPlainEvent(input, { now: ARBITRARY_NOW });
      const full = parseWithSchema(input, { now: ARBITRARY_NOW });

      // Assert: an input the fast path declines goes to the schema, so only its acceptances can differ.
      if (fast !== null) expect(full).toEqual(ok(fast));
    },
  );

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 2000 })(
    `can count every finite number at ${MAX_NUMBER_BYTES} characters, the bound its size check uses`,
    (value) => {
      // Act
      const spelled = JSON.stringify(value);

      // Assert
      expect(spelled.length).toBeLessThanOrEqual(MAX_NUMBER_BYTES);
    },
  );
});
