import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseRfc3339 } from './rfc3339-instant.js';
import { instantArb, offsetMinutesArb, writeInstant } from './testing/arbitraries.js';

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
