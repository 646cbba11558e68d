import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { jsonByteLength } from './json-byte-length.js';

/** Strings heavy in what JSON escapes or encodes long: quotes, controls, multibyte, lone surrogates. */
const trickyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.constantFrom(
        'a',
        '"',
        '\\',
        '\n',
        '\b',
        '\u0001',
        '\u001f',
        '\u007f',
        'é',
        '€',
        '\u2028',
        '🎵',
        '\ud800',
        '\udc00',
      ),
    )
    .map((parts) => parts.join('')),
);

/** JSON-like values, with the members JSON.stringify leaves out or turns into null. */
const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyStringArb,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 5 }),
    fc.dictionary(
      trickyStringArb,
      fc.oneof(
        tie('value'),
        fc.constant(undefined),
        fc.constant(() => 1),
      ),
      {
        maxKeys: 5,
      },
    ),
    fc.date({ noInvalidDate: true }),
  ),
})).value;

describe('jsonByteLength', () => {
  test.prop([valueArb], { numRuns: 2000 })('equals the UTF-8 length of JSON.stringify', (value) => {
    // Act
    const bytes = jsonByteLength(value);

    // Assert
    expect(bytes).toBe(new TextEncoder().encode(JSON.stringify(value)).byteLength);
  });
});
