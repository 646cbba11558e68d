import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './rfc3339-instant.js';

describe('parseRfc3339', () => {
  it.each<[string, number]>([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T01:00:00+01:00', Date.UTC(2026, 0, 1)],
    ['2025-12-31T19:00:00-05:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00.9999Z', Date.UTC(2026, 0, 1, 0, 0, 0, 999)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['0050-06-01T00:00:00Z', Date.parse('0050-06-01T00:00:00Z')],
  ])('reads %s as the instant it names', (text, expected) => {
    // Act
    const ms = parseRfc3339(text);

    // Assert
    expect(ms).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '2026-01-01',
    '2026-01-01T00:00:00',
    '2026-04-31T00:00:00Z',
    '2026-01-01T00:00:00+25:00',
  ])('returns null for %j', (text) => {
    // Act
    const ms = parseRfc3339(text);

    // Assert
    expect(ms).toBeNull();
  });
});
