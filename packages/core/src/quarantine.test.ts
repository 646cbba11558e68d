import { describe, expect, it } from 'vitest';
import { capFieldErrors } from './field-error.js';
import { MAX_QUARANTINED_PAYLOAD, type QuarantinedRecord, truncatePayload } from './quarantine.js';

const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).byteLength;

describe('truncatePayload', () => {
  it('keeps a payload of 2048 characters or fewer as it is', () => {
    // Arrange
    const payload = `{"a":"${'€'.repeat(2040)}"}`;

    // Act
    const kept = truncatePayload(payload);

    // Assert
    expect(kept).toBe(payload);
  });

  it('cuts a longer payload to 2048 characters', () => {
    // Act
    const cut = truncatePayload('x'.repeat(5000));

    // Assert
    expect(cut).toBe('x'.repeat(MAX_QUARANTINED_PAYLOAD));
  });

  it('cuts before a surrogate pair the 2048th character would split', () => {
    // Arrange: the pair is units 2047 and 2048
    const payload = `${'x'.repeat(2047)}😀${'y'.repeat(10)}`;

    // Act
    const cut = truncatePayload(payload);

    // Assert
    expect(cut).toBe('x'.repeat(2047));
  });

  it('keeps a pair that ends at the 2048th character', () => {
    // Act
    const cut = truncatePayload('😀'.repeat(2000));

    // Assert
    expect(cut).toBe('😀'.repeat(1024));
  });

  it('replaces U+0000, which PostgreSQL text cannot hold', () => {
    // Act
    const cut = truncatePayload('a\u0000b');

    // Assert
    expect(cut).toBe('a\uFFFDb');
  });
});

describe('QuarantinedRecord', () => {
  /**
   * The largest record the processor can build from hostile input: 20 errors with paths and
   * messages at their caps, the longest payload, a Kinesis partition key (256 characters) as
   * userId, the longest event id, a 128-digit sequence number and correlation id, all of the
   * character that serializes longest.
   */
  const largest = (char: string): QuarantinedRecord => ({
    userId: char.repeat(256),
    eventId: 'e'.repeat(64),
    reason: 'invalid_event',
    errors: capFieldErrors(
      Array.from({ length: 5000 }, () => ({ path: char.repeat(10_000), message: char.repeat(10_000) })),
    ),
    payload: truncatePayload(char.repeat(100_000)),
    quarantinedAt: Number.MAX_SAFE_INTEGER,
    recordId: '9'.repeat(128),
    correlationId: char.repeat(128),
  });

  it('serializes to well under 64 KB with 4-byte characters everywhere (about 17 KB)', () => {
    // Act
    const bytes = jsonBytes(largest('😀'));

    // Assert
    expect(bytes).toBeLessThan(24 * 1024);
  });

  it('serializes to under 64 KB even with control characters, which JSON writes in 6 bytes each', () => {
    // Act
    const bytes = jsonBytes(largest('\u0001'));

    // Assert
    expect(bytes).toBeLessThan(56 * 1024);
  });
});
