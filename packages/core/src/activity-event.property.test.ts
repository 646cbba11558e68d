import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseActivityEvent, sameContent } from './activity-event.js';
import { MAX_EVENT_BYTES } from './activity-event-rules.js';
import { jsonByteLength } from './json-byte-length.js';
import { parseRfc3339 } from './rfc3339-instant.js';
import { ARBITRARY_NOW, eventInputArb, invalidEventInputArb, validEventArb } from './testing/arbitraries.js';

describe('parseActivityEvent', () => {
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
});
