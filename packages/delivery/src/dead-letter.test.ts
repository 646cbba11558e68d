import { describe, expect, it } from 'vitest';
import { deadLettersOf } from './dead-letter.js';

describe('deadLettersOf', () => {
  it('gives one JSON-safe letter per record, in order, its bytes recoverable from base64', () => {
    const bytes = [new Uint8Array([0xff, 0x00, 0x7b]), new TextEncoder().encode('{"v":1}')];

    const letters = deadLettersOf({
      shardId: 'activity.0',
      records: bytes.map((data, i) => ({
        recordId: String(41 + i),
        shard: 'activity.0',
        partitionKey: 'u-1',
        data,
        arrivedAt: Date.UTC(2026, 2, 1, 12),
      })),
      reason: 'retries_exhausted',
      attempts: 3,
      lastError: 'store unavailable',
      at: Date.UTC(2026, 2, 1, 12, 5),
    });

    expect(JSON.parse(JSON.stringify(letters))).toEqual(letters);
    expect(letters.map((letter) => [...Buffer.from(letter.data, 'base64')])).toEqual(
      bytes.map((b) => [...b]),
    );
    expect(letters[1]).toEqual({
      shardId: 'activity.0',
      sequenceNumber: '42',
      partitionKey: 'u-1',
      data: Buffer.from('{"v":1}').toString('base64'),
      arrivedAt: '2026-03-01T12:00:00.000Z',
      reason: 'retries_exhausted',
      attempts: 3,
      lastError: 'store unavailable',
      deadLetteredAt: '2026-03-01T12:05:00.000Z',
    });
  });
});
