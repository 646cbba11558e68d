import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseActivityEvent, parseRfc3339 } from './activity-event.js';
import {
  ARBITRARY_NOW,
  eventInputArb,
  instantArb,
  offsetMinutesArb,
  writeInstant,
} from './testing/arbitraries.js';

/** Any millisecond of years 0000-9999, as RFC 3339 can write them. */
const anyInstantArb: fc.Arbitrary<number> = fc.oneof(
  instantArb,
  fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
);

describe('parseRfc3339', () => {
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

describe('parseActivityEvent', () => {
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
});
