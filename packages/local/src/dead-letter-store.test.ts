import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeadLetterBatch } from '@activity-history/delivery';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDeadLetters } from './dead-letter-store.js';

const batch = (ids: readonly string[]): DeadLetterBatch => ({
  shardId: 'shardId-000000000000',
  records: ids.map((recordId) => ({
    recordId,
    shard: 'shardId-000000000000',
    partitionKey: 'u-1',
    data: new TextEncoder().encode(`{"n":${recordId}}`),
    arrivedAt: Date.UTC(2026, 2, 1, 12),
  })),
  reason: 'retries_exhausted',
  attempts: 21,
  lastError: 'store unavailable',
  at: Date.UTC(2026, 2, 1, 12, 10),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dead-letters-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the local dead-letter store', () => {
  it('appends one JSON line per record, kept with its depth across a reopen', async () => {
    const file = join(dir, 'nested', 'dead-letters.jsonl');
    const store = await openDeadLetters(file);

    await store.add(batch(['1', '2']));
    await store.add(batch(['3']));
    const reopened = await openDeadLetters(file);
    const lines = (await readFile(file, 'utf8')).split('\n');

    expect(store.depth()).toBe(3);
    expect(reopened.depth()).toBe(3);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    // The file's format: what an operator's replay script reads.
    expect(JSON.parse(lines[0]!)).toEqual({
      shardId: 'shardId-000000000000',
      sequenceNumber: '1',
      partitionKey: 'u-1',
      data: Buffer.from('{"n":1}').toString('base64'),
      arrivedAt: '2026-03-01T12:00:00.000Z',
      reason: 'retries_exhausted',
      attempts: 21,
      lastError: 'store unavailable',
      deadLetteredAt: '2026-03-01T12:10:00.000Z',
    });
    expect((await reopened.entries()).map((letter) => letter.sequenceNumber)).toEqual(['1', '2', '3']);
  });

  it('keeps the records in memory only without a file', async () => {
    const store = await openDeadLetters(null);

    await store.add(batch(['7', '8']));

    expect(store.depth()).toBe(2);
    expect((await store.entries()).map((letter) => letter.sequenceNumber)).toEqual(['7', '8']);
  });
});
