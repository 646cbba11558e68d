import type { ActivityEvent } from '@activity-history/core';
import { validEventArb } from '@activity-history/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageIdOf } from './message-id.js';

const event: ActivityEvent = {
  eventId: 'e-1',
  userId: 'u-1',
  type: 'track.played',
  occurredAt: '2026-03-01T12:00:00.000Z',
  quantity: 1,
  attributes: { a: 1, b: 'x' },
};

describe('messageIdOf', () => {
  it('is the same for the same key and content, whatever the order of the attributes', () => {
    expect(messageIdOf({ ...event, attributes: { b: 'x', a: 1 } })).toBe(messageIdOf(event));
  });

  it('differs when the key or any part of the content differs', () => {
    const variants: ActivityEvent[] = [
      { ...event, eventId: 'e-2' },
      { ...event, userId: 'u-2' },
      { ...event, type: 'other' },
      { ...event, occurredAt: '2026-03-01T12:00:00.001Z' },
      { ...event, quantity: 2 },
      { ...event, attributes: { a: 1 } },
      { ...event, attributes: { a: 1, b: 'y' } },
    ];
    const ids = new Set([event, ...variants].map(messageIdOf));
    expect(ids.size).toBe(variants.length + 1);
  });

  it('fits a header value: no whitespace, bounded length', () => {
    fc.assert(
      fc.property(validEventArb(), (e) => {
        expect(messageIdOf(e)).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
      }),
      { numRuns: 100 },
    );
  });
});
