import { describe, expect, it } from 'vitest';
import { type ActivityEvent, parseActivityEvent, sameContent } from './activity-event.js';
import { MAX_EVENT_BYTES, MIN_QUANTITY } from './activity-event-rules.js';
import { PROTOTYPE_MEMBER_NAMES } from './testing/arbitraries.js';

/** The server clock of every case: events may be up to 5 minutes after it. */
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

const VALID = {
  eventId: '3f1c9a52-7d4e-4b8a-9c1e-2a6f0d8b7e41',
  userId: 'u-1',
  type: 'track.played',
  occurredAt: '2026-03-01T11:00:00Z',
} as const;

const parse = (patch: Record<string, unknown>) => parseActivityEvent({ ...VALID, ...patch }, { now: NOW });

const byteLength = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

describe('parseActivityEvent', () => {
  describe('accepts events at the edges of every rule', () => {
    it.each<[string, Record<string, unknown>]>([
      ['a one-character eventId', { eventId: 'e' }],
      ['a 64-character eventId of every allowed kind', { eventId: `aZ09_-${'x'.repeat(58)}` }],
      ['a one-character userId', { userId: 'u' }],
      ['a 128-character userId', { userId: `u${'x'.repeat(127)}` }],
      ['a userId with . _ : @ | -', { userId: 'org:42|alice.b_c-d@example.com' }],
      ['a userId starting with a digit', { userId: '7user' }],
      ['a one-character type', { type: 'x' }],
      ['a 64-character type', { type: `t${'.'.repeat(63)}` }],
      ['a type starting with a digit, with _ and -', { type: '9_run-km.done' }],
      ['occurredAt in Z', { occurredAt: '2026-03-01T11:00:00Z' }],
      ['occurredAt with a positive offset', { occurredAt: '2026-03-01T16:30:00+05:30' }],
      ['occurredAt with a negative offset', { occurredAt: '2026-03-01T06:00:00-05:00' }],
      ['occurredAt with lowercase t and z', { occurredAt: '2026-03-01t11:00:00z' }],
      ['occurredAt with fractional seconds', { occurredAt: '2026-03-01T11:00:00.123456Z' }],
      ['occurredAt on a leap day', { occurredAt: '2024-02-29T23:59:59Z' }],
      ['occurredAt at exactly 2000-01-01T00:00:00Z', { occurredAt: '2000-01-01T00:00:00Z' }],
      ['occurredAt at 2000-01-01 written in a negative offset', { occurredAt: '1999-12-31T23:00:00-01:00' }],
      ['occurredAt exactly 5 minutes after the clock', { occurredAt: '2026-03-01T12:05:00Z' }],
      ['the smallest quantity', { quantity: 0.000001 }],
      ['a quantity of exactly 1,000,000', { quantity: 1_000_000 }],
      ['no attributes', {}],
      ['empty attributes', { attributes: {} }],
      [
        '20 attributes',
        { attributes: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) },
      ],
      [
        'a 64-character attribute name of every allowed kind',
        { attributes: { [`aZ09_.-${'k'.repeat(57)}`]: 1 } },
      ],
      ['a 256-character attribute string', { attributes: { note: 'x'.repeat(256) } }],
      ['string, number and boolean attribute values', { attributes: { s: '', n: -1.5, b: false } }],
    ])('%s', (_, patch) => {
      // Act
      const result = parse(patch);

      // Assert
      expect(result).toMatchObject({ ok: true });
    });
  });

  describe('rejects each broken rule, naming the field and the rule', () => {
    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['an empty eventId', { eventId: '' }, 'eventId', /eventId must be 1-64 characters/],
      ['a 65-character eventId', { eventId: 'e'.repeat(65) }, 'eventId', /eventId must be 1-64 characters/],
      ['an eventId with a dot', { eventId: 'e.1' }, 'eventId', /A-Z a-z 0-9 _ -/],
      ['an eventId with a space', { eventId: 'e 1' }, 'eventId', /A-Z a-z 0-9 _ -/],
      ['a numeric eventId', { eventId: 42 }, 'eventId', /eventId must be a string/],
      ['an empty userId', { userId: '' }, 'userId', /userId must be 1-128 characters/],
      ['a 129-character userId', { userId: `u${'x'.repeat(128)}` }, 'userId', /1-128 characters/],
      ['a userId starting with -', { userId: '-u' }, 'userId', /starting alphanumeric/],
      ['a userId starting with .', { userId: '.u' }, 'userId', /starting alphanumeric/],
      ['a userId with #', { userId: 'u#1' }, 'userId', /A-Z a-z 0-9 \. _ : @ \| -/],
      ['a userId with /', { userId: 'org/u1' }, 'userId', /A-Z a-z 0-9 \. _ : @ \| -/],
      ['a userId with a space', { userId: 'u 1' }, 'userId', /A-Z a-z 0-9 \. _ : @ \| -/],
      ['a userId with a non-ASCII letter', { userId: 'usér' }, 'userId', /userId must be/],
      ['a null userId', { userId: null }, 'userId', /userId must be a string/],
      ['an empty type', { type: '' }, 'type', /type must be 1-64 lowercase characters/],
      ['a 65-character type', { type: 't'.repeat(65) }, 'type', /1-64 lowercase/],
      ['an uppercase type', { type: 'Track.Played' }, 'type', /lowercase/],
      ['a type starting with .', { type: '.played' }, 'type', /starting alphanumeric/],
      ['a type starting with _', { type: '_played' }, 'type', /starting alphanumeric/],
      ['a type with a space', { type: 'track played' }, 'type', /lowercase characters a-z 0-9 \. _ -/],
      [
        'occurredAt without an offset',
        { occurredAt: '2026-03-01T11:00:00' },
        'occurredAt',
        /explicit offset/,
      ],
      ['occurredAt as a date only', { occurredAt: '2026-03-01' }, 'occurredAt', /RFC 3339/],
      ['occurredAt with a space for T', { occurredAt: '2026-03-01 11:00:00Z' }, 'occurredAt', /RFC 3339/],
      ['occurredAt as epoch milliseconds', { occurredAt: NOW }, 'occurredAt', /occurredAt must be a string/],
      ['occurredAt on February 30th', { occurredAt: '2026-02-30T11:00:00Z' }, 'occurredAt', /RFC 3339/],
      [
        'occurredAt on February 29th of a common year',
        { occurredAt: '2023-02-29T11:00:00Z' },
        'occurredAt',
        /RFC 3339/,
      ],
      ['occurredAt in month 13', { occurredAt: '2026-13-01T11:00:00Z' }, 'occurredAt', /RFC 3339/],
      ['occurredAt at hour 24', { occurredAt: '2026-03-01T24:00:00Z' }, 'occurredAt', /RFC 3339/],
      ['occurredAt at minute 60', { occurredAt: '2026-03-01T11:60:00Z' }, 'occurredAt', /RFC 3339/],
      [
        'occurredAt with offset +24:00',
        { occurredAt: '2026-03-01T11:00:00+24:00' },
        'occurredAt',
        /RFC 3339/,
      ],
      [
        'occurredAt with offset minutes 60',
        { occurredAt: '2026-03-01T11:00:00+01:60' },
        'occurredAt',
        /RFC 3339/,
      ],
      [
        'occurredAt with a +hhmm offset',
        { occurredAt: '2026-03-01T11:00:00+0100' },
        'occurredAt',
        /RFC 3339/,
      ],
      [
        'occurredAt one second before 2000',
        { occurredAt: '1999-12-31T23:59:59Z' },
        'occurredAt',
        /not be before 2000-01-01T00:00:00Z/,
      ],
      [
        'occurredAt in year 0050',
        { occurredAt: '0050-06-01T00:00:00Z' },
        'occurredAt',
        /not be before 2000-01-01/,
      ],
      [
        'occurredAt at 2000-01-01 local time that is 1999 in UTC',
        { occurredAt: '2000-01-01T00:30:00+01:00' },
        'occurredAt',
        /not be before 2000-01-01/,
      ],
      [
        'occurredAt 5 minutes and 1 millisecond after the clock',
        { occurredAt: '2026-03-01T12:05:00.001Z' },
        'occurredAt',
        /not be more than 5 minutes after the server clock/,
      ],
      [
        'occurredAt in the future once its offset is applied',
        { occurredAt: '2026-03-01T12:00:00-01:00' },
        'occurredAt',
        /5 minutes after the server clock/,
      ],
      ['a quantity of 0', { quantity: 0 }, 'quantity', /quantity must be at least 0.000001/],
      ['a negative quantity', { quantity: -1 }, 'quantity', /quantity must be at least 0.000001/],
      ['a quantity of 1,000,001', { quantity: 1_000_001 }, 'quantity', /quantity must be at most 1000000/],
      ['a quantity just above 1,000,000', { quantity: 1_000_000.000001 }, 'quantity', /at most 1000000/],
      ['a NaN quantity', { quantity: Number.NaN }, 'quantity', /quantity must be a number/],
      [
        'an infinite quantity',
        { quantity: Number.POSITIVE_INFINITY },
        'quantity',
        /quantity must be a finite number/,
      ],
      ['a string quantity', { quantity: '5' }, 'quantity', /quantity must be a number/],
      ['a null quantity', { quantity: null }, 'quantity', /quantity must be a number/],
      [
        '21 attributes',
        { attributes: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) },
        'attributes',
        /attributes must have at most 20 keys/,
      ],
      ['attributes as an array', { attributes: [1, 2] }, 'attributes', /attributes must be an object/],
      ['attributes as a string', { attributes: 'mood=happy' }, 'attributes', /attributes must be an object/],
      ['null attributes', { attributes: null }, 'attributes', /attributes must be an object/],
      [
        'an attribute name with a space',
        { attributes: { 'has space': 1 } },
        'attributes.has space',
        /attribute names must be 1-64 characters of A-Z a-z 0-9 _ \. -/,
      ],
      ['an attribute name with #', { attributes: { 'a#b': 1 } }, 'attributes.a#b', /attribute names/],
      ['an empty attribute name', { attributes: { '': 1 } }, 'attributes.', /attribute names must be 1-64/],
      [
        'a 65-character attribute name',
        { attributes: { ['k'.repeat(65)]: 1 } },
        `attributes.${'k'.repeat(65)}`,
        /attribute names must be 1-64/,
      ],
      [
        'a 257-character attribute string',
        { attributes: { note: 'x'.repeat(257) } },
        'attributes.note',
        /attribute strings must be at most 256 characters/,
      ],
      [
        'a nested attribute object',
        { attributes: { device: { os: 'ios' } } },
        'attributes.device',
        /attribute values must be a string .*, a finite number or a boolean/,
      ],
      ['an attribute array', { attributes: { tags: ['a'] } }, 'attributes.tags', /attribute values must be/],
      ['a null attribute', { attributes: { tag: null } }, 'attributes.tag', /attribute values must be/],
      [
        'an infinite attribute number',
        { attributes: { n: Number.NEGATIVE_INFINITY } },
        'attributes.n',
        /finite/,
      ],
      ['a misspelt quantity', { quantiy: 2 }, 'quantiy', /unknown field "quantiy" is not allowed/],
      ['an unknown field', { source: 'app' }, 'source', /unknown field "source"/],
    ])('%s', (_, patch, path, message) => {
      // Act
      const result = parse(patch);

      // Assert
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toHaveLength(1);
      expect(result.error[0]!.path).toBe(path);
      expect(result.error[0]!.message).toMatch(message);
    });

    it.each(['eventId', 'userId', 'type', 'occurredAt'])('names a missing %s as required', (field) => {
      // Arrange
      const input = Object.fromEntries(Object.entries(VALID).filter(([key]) => key !== field));

      // Act
      const result = parseActivityEvent(input, { now: NOW });

      // Assert
      expect(result).toEqual({ ok: false, error: [{ path: field, message: `${field} is required` }] });
    });

    it.each<[string, unknown]>([
      ['a string', 'e-1'],
      ['a number', 42],
      ['null', null],
      ['an array', [VALID]],
    ])('refuses %s as the whole event, at the empty path', (_, input) => {
      // Act
      const result = parseActivityEvent(input, { now: NOW });

      // Assert
      expect(result).toEqual({ ok: false, error: [{ path: '', message: 'an event must be a JSON object' }] });
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses the reserved attribute name %s rather than dropping it silently',
      (key) => {
        // Arrange: JSON.parse makes each an own key, as a request body would
        const input = JSON.parse(
          `{"eventId":"e-1","userId":"u-1","type":"track.played","occurredAt":"2026-03-01T11:00:00Z","attributes":{"mood":"calm","${key}":"x"}}`,
        );

        // Act
        const result = parseActivityEvent(input, { now: NOW });

        // Assert
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error).toEqual([
          { path: `attributes.${key}`, message: expect.stringContaining('is reserved') },
        ]);
      },
    );

    it('reports every broken field at once', () => {
      // Act
      const result = parse({ eventId: '', type: 'Bad', quantity: 0, quantiy: 1 });

      // Assert
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.map((e) => e.path).sort()).toEqual(['eventId', 'quantity', 'quantiy', 'type']);
    });
  });

  describe('the 8 KiB limit on the serialized event', () => {
    /**
     * An event padded with attributes of `filler` and one ASCII attribute so that it serializes to
     * exactly `bytes` bytes of UTF-8. ASCII alone cannot reach 8 KiB within the field limits (20
     * attributes of 256 characters make about 6.5 KB), so the limit matters for multibyte text.
     */
    const eventOfBytes = (bytes: number, filler: string): Record<string, unknown> => {
      const attributes: Record<string, string> = {};
      const size = () => byteLength({ ...VALID, attributes });
      const fillerBytes = new TextEncoder().encode(filler).byteLength;
      for (let i = 0; bytes - size() > 200; i++) {
        const room = Math.floor((bytes - size() - 200) / fillerBytes);
        attributes[`f${i}`] = filler.repeat(Math.max(1, Math.min(256 / filler.length, room)));
      }
      attributes.pad = '';
      attributes.pad = 'x'.repeat(bytes - size());
      return { ...VALID, attributes };
    };

    it.each([
      ['2-byte characters', 'é'],
      ['3-byte characters', '€'],
      ['4-byte characters (surrogate pairs)', '🎵'],
    ])('accepts exactly 8192 bytes and refuses 8193, counting %s in UTF-8 bytes', (_, filler) => {
      // Arrange
      const atLimit = eventOfBytes(MAX_EVENT_BYTES, filler);
      const overLimit = { ...atLimit, eventId: `${VALID.eventId}y` };

      // Act
      const accepted = parseActivityEvent(atLimit, { now: NOW });
      const refused = parseActivityEvent(overLimit, { now: NOW });

      // Assert
      expect(byteLength(atLimit)).toBe(MAX_EVENT_BYTES);
      expect(accepted).toMatchObject({ ok: true });
      expect(refused).toEqual({
        ok: false,
        error: [
          {
            path: '',
            message: expect.stringMatching(
              /^the serialized event must be at most 8192 bytes \(it has 8193; its largest field is attributes, \d+ bytes\)$/,
            ),
          },
        ],
      });
    });

    it('refuses an event of 20 valid 256-character attributes of multibyte characters', () => {
      // Arrange: every attribute is within the character limit, the whole is ~16 KB of UTF-8.
      const attributes = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, '€'.repeat(256)]));

      // Act
      const result = parse({ attributes });

      // Assert
      expect(result).toMatchObject({
        ok: false,
        error: [{ path: '', message: expect.stringMatching(/at most 8192 bytes/) }],
      });
    });

    it('trusts the serialized size it is given (a stream record measured on the wire)', () => {
      // Act
      const result = parseActivityEvent(VALID, { now: NOW, serializedBytes: MAX_EVENT_BYTES + 1 });

      // Assert
      expect(result).toMatchObject({
        ok: false,
        error: [{ path: '', message: expect.stringMatching(/8193/) }],
      });
    });
  });

  describe('normalization', () => {
    it('writes occurredAt as the UTC instant with milliseconds, defaults quantity and attributes', () => {
      // Act
      const result = parse({ occurredAt: '2026-03-01T12:30:00.5+01:30' });

      // Assert
      expect(result).toEqual({
        ok: true,
        value: { ...VALID, occurredAt: '2026-03-01T11:00:00.500Z', quantity: 1, attributes: {} },
      });
    });

    it('keeps the quantity and attributes given', () => {
      // Act
      const result = parse({ quantity: 3.25, attributes: { trackId: 't-9', liked: true } });

      // Assert
      expect(result).toMatchObject({
        ok: true,
        value: { quantity: 3.25, attributes: { trackId: 't-9', liked: true } },
      });
    });
  });
});

describe('sameContent', () => {
  const normalized = (patch: Record<string, unknown>): ActivityEvent => {
    const result = parse(patch);
    if (!result.ok) throw new Error(`test event is invalid: ${JSON.stringify(result.error)}`);
    return result.value;
  };

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'the same instant in two offsets',
      { occurredAt: '2026-03-01T11:00:00Z' },
      { occurredAt: '2026-03-01T06:00:00-05:00' },
    ],
    ['a missing quantity and a quantity of 1', {}, { quantity: 1 }],
    [
      'fractional seconds written differently',
      { occurredAt: '2026-03-01T11:00:00Z' },
      { occurredAt: '2026-03-01T11:00:00.000Z' },
    ],
    ['attributes in another order', { attributes: { a: 1, b: 'x' } }, { attributes: { b: 'x', a: 1 } }],
    ['missing and empty attributes', {}, { attributes: {} }],
  ])('holds for %s', (_, a, b) => {
    // Act
    const same = sameContent(normalized(a), normalized(b));

    // Assert
    expect(same).toBe(true);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['another type', {}, { type: 'page.read' }],
    ['another instant', {}, { occurredAt: '2026-03-01T11:00:00.001Z' }],
    ['another quantity', {}, { quantity: 2 }],
    ['an extra attribute', { attributes: { a: 1 } }, { attributes: { a: 1, b: 2 } }],
    ['a missing attribute', { attributes: { a: 1, b: 2 } }, { attributes: { a: 1, c: 2 } }],
    ['an attribute value of another kind', { attributes: { a: 1 } }, { attributes: { a: '1' } }],
  ])('fails for %s', (_, a, b) => {
    // Act
    const same = [sameContent(normalized(a), normalized(b)), sameContent(normalized(b), normalized(a))];

    // Assert
    expect(same).toEqual([false, false]);
  });
});

/** The largest double below a positive one. */
const previousDouble = (n: number): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
};

describe('parseActivityEvent under the rules of contract v1.1', () => {
  const refusal = (patch: Record<string, unknown>) => {
    const result = parse(patch);
    return result.ok ? null : result.error;
  };

  describe('quantity is at least one millionth', () => {
    it.each([MIN_QUANTITY, 0.000001, 0.0000015, 999_999.9999995])('accepts %d', (quantity) => {
      // Act
      const result = parse({ quantity });

      // Assert
      expect(result).toMatchObject({ ok: true, value: { quantity } });
    });

    it.each([0.00000099, 1e-7, 5e-324, 0, -0, -0.000001])('refuses %d, naming the minimum', (quantity) => {
      // Act
      const errors = refusal({ quantity });

      // Assert
      expect(errors).toEqual([
        { path: 'quantity', message: 'quantity must be at least 0.000001 (one millionth)' },
      ]);
    });
  });

  describe('attribute strings are valid Unicode', () => {
    it.each([
      ['an emoji (a surrogate pair)', '😀'],
      ['128 astral characters (256 UTF-16 units)', '🎵'.repeat(128)],
      ['U+FFFD and U+10FFFF', '\uFFFD\u{10FFFF}'],
      ['other control characters', '\u0001\t\n'],
    ])('accepts %s', (_, note) => {
      // Act
      const result = parse({ attributes: { note } });

      // Assert
      expect(result).toMatchObject({ ok: true, value: { attributes: { note } } });
    });

    it.each([
      ['a lone high surrogate', '\uD800'],
      ['a lone low surrogate', 'a\uDC00b'],
      ['a pair in the wrong order', '\uDE00\uD83D'],
      ['a U+0000 character', '\u0000'],
      ['a U+0000 inside text', 'calm\u0000'],
    ])('refuses %s, naming the attribute', (_, note) => {
      // Act
      const errors = refusal({ attributes: { mood: 'calm', note } });

      // Assert
      expect(errors).toEqual([
        {
          path: 'attributes.note',
          message: 'attribute strings must be valid Unicode (no lone surrogate, no U+0000 character)',
        },
      ]);
    });
  });

  describe("attribute numbers are 0 or within DynamoDB's range", () => {
    it.each([
      0,
      1e-130,
      -1e-130,
      9.99e125,
      -9.99e125,
      previousDouble(1e126),
      2 ** 60,
      -(2 ** 60),
      Number.MAX_SAFE_INTEGER + 2,
      123.456,
    ])('accepts %d and keeps it as the same double', (n) => {
      // Act
      const result = parse({ attributes: { n } });

      // Assert
      expect(result.ok && result.value.attributes.n).toBe(n);
    });

    it('accepts -0 and normalizes it to 0, as JSON would write it', () => {
      // Act
      const result = parse({ attributes: { n: -0 } });

      // Assert
      expect(result.ok && Object.is(result.value.attributes.n, 0)).toBe(true);
    });

    it.each([9.9e-131, -9.9e-131, 5e-324, 1e126, -1e126, 1e300, Number.MAX_VALUE])(
      'refuses %d, naming the attribute and the range',
      (n) => {
        // Act
        const errors = refusal({ attributes: { n } });

        // Assert
        expect(errors).toEqual([
          {
            path: 'attributes.n',
            message:
              'attribute numbers must be 0 or have a magnitude from 1e-130 (inclusive) to 1e126 (exclusive)',
          },
        ]);
      },
    );
  });

  describe('names have no special meaning', () => {
    const PROTOTYPE_NAMES = PROTOTYPE_MEMBER_NAMES;

    it.each(PROTOTYPE_NAMES)('keeps the attribute %s as an own property with the value sent', (key) => {
      // Arrange: JSON.parse makes it an own key, as a request body would
      const input = JSON.parse(JSON.stringify({ ...VALID, attributes: { [key]: 'sent', other: 1 } }));

      // Act
      const result = parseActivityEvent(input, { now: NOW });

      // Assert
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(Object.hasOwn(result.value.attributes, key)).toBe(true);
      expect(result.value.attributes[key]).toBe('sent');
      expect(Object.keys(result.value.attributes).sort()).toEqual([key, 'other'].sort());
      expect(JSON.parse(JSON.stringify(result.value.attributes))).toEqual({ [key]: 'sent', other: 1 });
    });

    it('keeps every prototype name at once, through the schema path as well', () => {
      // Arrange: a null-prototype event takes the schema's path rather than the fast one
      const attributes = Object.fromEntries(PROTOTYPE_NAMES.map((key, i) => [key, i]));
      const input = Object.assign(Object.create(null), { ...VALID, attributes });

      // Act
      const result = parseActivityEvent(input, { now: NOW });

      // Assert
      expect(result.ok && Object.entries(result.value.attributes)).toEqual(Object.entries(attributes));
    });

    it.each(PROTOTYPE_NAMES)('compares the attribute %s as an own property only', (key) => {
      // Arrange
      const normalized = (attributes: Record<string, unknown>) => {
        const result = parse({ attributes });
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        return result.value;
      };

      // Act
      const same = sameContent(normalized({ [key]: 'x' }), normalized({ [key]: 'x' }));
      const withAndWithout = [
        sameContent(normalized({ [key]: 'x' }), normalized({})),
        sameContent(normalized({}), normalized({ [key]: 'x' })),
        sameContent(normalized({ [key]: 'x' }), normalized({ [key]: 'y' })),
        sameContent(normalized({ [key]: 'x' }), normalized({ other: 'x' })),
      ];

      // Assert
      expect(same).toBe(true);
      expect(withAndWithout).toEqual([false, false, false, false]);
    });

    it.each(['constructor', 'valueof', 'tostring', 'hasownproperty', 'isprototypeof', 'proto', 'prototype'])(
      'accepts the type %s like any other',
      (type) => {
        // Act
        const result = parse({ type });

        // Assert
        expect(result).toMatchObject({ ok: true, value: { type } });
      },
    );

    it('refuses the type __proto__ by its pattern (it starts with _)', () => {
      // Act
      const errors = refusal({ type: '__proto__' });

      // Assert
      expect(errors).toEqual([{ path: 'type', message: expect.stringMatching(/starting alphanumeric/) }]);
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      'explains the refusal of the attribute name %s',
      (key) => {
        // Arrange
        const input = JSON.parse(`{${JSON.stringify(VALID).slice(1, -1)},"attributes":{"${key}":1}}`);

        // Act
        const result = parseActivityEvent(input, { now: NOW });

        // Assert
        expect(result).toEqual({
          ok: false,
          error: [
            {
              path: `attributes.${key}`,
              message: `attribute name "${key}" is reserved: __proto__, constructor and prototype name JavaScript object internals and cannot be attribute names`,
            },
          ],
        });
      },
    );
  });

  describe('rules about the whole event', () => {
    it('name the whole event with the empty path', () => {
      // Act
      const notAnObject = parseActivityEvent('e-1', { now: NOW });
      const tooLarge = parseActivityEvent(VALID, { now: NOW, serializedBytes: MAX_EVENT_BYTES + 1 });

      // Assert
      expect([notAnObject, tooLarge].map((r) => !r.ok && r.error.map((e) => e.path))).toEqual([[''], ['']]);
    });
  });

  describe('the error list is bounded', () => {
    it('reports 5,000 unknown fields by the first of them', () => {
      // Arrange
      const input: Record<string, unknown> = { ...VALID };
      for (let i = 0; i < 5000; i++) input[`extra${i}`] = i;

      // Act
      const result = parseActivityEvent(input, { now: NOW });

      // Assert
      expect(result).toEqual({
        ok: false,
        error: [{ path: 'extra0', message: 'unknown field "extra0" is not allowed (check its spelling)' }],
      });
    });

    it('reports 5,000 bad attributes as 20 errors, the last counting those left out', () => {
      // Arrange
      const attributes = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, { bad: i }]));

      // Act
      const errors = refusal({ attributes });

      // Assert
      expect(errors).toHaveLength(20);
      expect(errors![0]).toEqual({
        path: 'attributes.k0',
        message: expect.stringMatching(/attribute values/),
      });
      expect(errors![19]).toEqual({
        path: 'attributes.k19',
        message: '4981 more errors were left out, the first at "attributes.k19"',
      });
    });

    it('cuts the path and message of a field with a huge name', () => {
      // Arrange
      const name = `k${'😀'.repeat(50_000)}`;

      // Act
      const result = parse({ [name]: 1 });

      // Assert
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const [error] = result.error;
      expect(error!.path.length).toBeLessThanOrEqual(100);
      expect(error!.message.length).toBeLessThanOrEqual(200);
      expect(error!.path.endsWith('…')).toBe(true);
      expect(error!.message.startsWith('unknown field "k😀')).toBe(true);
      // encodeURIComponent throws on a lone surrogate: the cut kept every pair whole
      expect(() => encodeURIComponent(error!.path + error!.message)).not.toThrow();
    });
  });
});
