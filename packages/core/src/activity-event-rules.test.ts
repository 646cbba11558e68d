import { describe, expect, it } from 'vitest';
import { parseActivityEvent } from './activity-event.js';
import { USER_ID_PATTERN } from './activity-event-rules.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

const VALID = {
  eventId: '3f1c9a52-7d4e-4b8a-9c1e-2a6f0d8b7e41',
  userId: 'u-1',
  type: 'track.played',
  occurredAt: '2026-03-01T11:00:00Z',
} as const;

const parse = (patch: Record<string, unknown>) => parseActivityEvent({ ...VALID, ...patch }, { now: NOW });

describe('USER_ID_PATTERN', () => {
  it('is the rule the schema applies to userId', () => {
    // Arrange
    const candidates = ['u-1', 'a:b|c@d.e_f', '-u', 'u/1', 'u#1', 'u 1', '', `u${'x'.repeat(128)}`];

    // Act
    const agreements = candidates.map((userId) => USER_ID_PATTERN.test(userId) === parse({ userId }).ok);

    // Assert
    expect(agreements.every(Boolean)).toBe(true);
  });
});
