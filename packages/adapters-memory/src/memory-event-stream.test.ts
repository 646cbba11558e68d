import { type ActivityEvent, decodeRecord, type StreamEnvelope } from '@activity-history/core';
import { describeEventStreamContract } from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import {
  createMemoryEventStream,
  type MemoryEventStream,
  THROUGHPUT_EXCEEDED,
} from './memory-event-stream.js';

const readAll = (stream: MemoryEventStream) =>
  stream.shardIds().flatMap((shardId) => stream.read(shardId, { limit: Number.MAX_SAFE_INTEGER }));

describeEventStreamContract('memory, 3 shards', async () => {
  const stream = createMemoryEventStream({ shardCount: 3 });
  let refuseOnce = false;
  return {
    // The contract's refusal concerns the next call only; the memory fault lasts until cleared.
    stream: {
      publish: async (envelopes) => {
        try {
          return await stream.publish(envelopes);
        } finally {
          if (refuseOnce) stream.faults.refuse(null);
          refuseOnce = false;
        }
      },
    },
    readAll: async () => readAll(stream),
    cleanup: async () => {},
    refuseNext: (predicate) => {
      refuseOnce = true;
      stream.faults.refuse(predicate);
    },
  };
});

const envelope = (userId: string, eventId: string): StreamEnvelope => {
  const event: ActivityEvent = {
    eventId,
    userId,
    type: 'x',
    occurredAt: '2026-03-01T12:00:00.000Z',
    quantity: 1,
    attributes: {},
  };
  return { v: 1, event, correlationId: 'c-1', receivedAt: '2026-03-01T12:00:01Z' };
};

describe('createMemoryEventStream', () => {
  it('hashes each partition key to one shard and spreads many keys over every shard', async () => {
    const stream = createMemoryEventStream({ shardCount: 4 });
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);

    await stream.publish(users.flatMap((user) => [envelope(user, 'a'), envelope(user, 'b')]));

    for (const shardId of stream.shardIds()) {
      const records = stream.read(shardId, { limit: 1000 });
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) expect(stream.shardOf(record.partitionKey)).toBe(shardId);
    }
    expect(stream.shardIds()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
      'shardId-000000000003',
    ]);
  });

  it('numbers records with fixed-width increasing sequence numbers and stamps their arrival', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const stream = createMemoryEventStream({ clock });
    await stream.publish([envelope('u-1', 'a')]);
    clock.advance(5_000);
    await stream.publish(Array.from({ length: 10 }, (_, i) => envelope('u-1', `b${i}`)));

    const records = stream.read('shardId-000000000000', { limit: 100 });

    expect(records.map((r) => r.recordId)).toEqual([...records.map((r) => r.recordId)].sort());
    expect(new Set(records.map((r) => r.recordId.length))).toEqual(new Set([20]));
    expect(records[0]?.arrivedAt).toBe(Date.UTC(2026, 0, 1));
    expect(records[1]?.arrivedAt).toBe(Date.UTC(2026, 0, 1) + 5_000);
  });

  it('reads after a sequence number, at most limit records', async () => {
    const stream = createMemoryEventStream();
    await stream.publish(Array.from({ length: 10 }, (_, i) => envelope('u-1', `e${i}`)));
    const all = stream.read('shardId-000000000000', { limit: 100 });

    const page = stream.read('shardId-000000000000', { after: all[3]!.recordId, limit: 4 });

    expect(page.map((r) => r.recordId)).toEqual(all.slice(4, 8).map((r) => r.recordId));
    expect(stream.read('shardId-000000000000', { after: all[9]!.recordId, limit: 4 })).toEqual([]);
    expect(() => stream.read('shardId-000000000007', { limit: 1 })).toThrow(RangeError);
  });

  it('refuses a share of records, retryably, as PutRecords does under throttling', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    let i = 0;
    const stream = createMemoryEventStream({ random: () => draws[i++ % draws.length]! });
    stream.faults.refuse(0.5);

    const outcomes = await stream.publish(['a', 'b', 'c', 'd'].map((id) => envelope('u-1', id)));

    expect(outcomes).toEqual([
      { written: false, retryable: true, reason: THROUGHPUT_EXCEEDED },
      { written: true },
      { written: false, retryable: true, reason: THROUGHPUT_EXCEEDED },
      { written: true },
    ]);
    expect(readAll(stream)).toHaveLength(2);
    stream.faults.refuse(0);
    expect((await stream.publish([envelope('u-1', 'a')]))[0]).toEqual({ written: true });
  });

  it('refuses the records a predicate picks', async () => {
    const stream = createMemoryEventStream();
    stream.faults.refuse((e) => e.event.userId === 'u-2');

    const outcomes = await stream.publish([envelope('u-1', 'a'), envelope('u-2', 'a')]);

    expect(outcomes.map((o) => o.written)).toEqual([true, false]);
    expect(readAll(stream).map((r) => r.partitionKey)).toEqual(['u-1']);
  });

  it('refuses whole calls while unavailable, and writes again once it is back', async () => {
    const stream = createMemoryEventStream();
    stream.faults.unavailable(true);

    const down = await stream.publish([envelope('u-1', 'a'), envelope('u-2', 'b')]);
    stream.faults.unavailable(false);
    const up = await stream.publish([envelope('u-1', 'a')]);

    expect(down.every((o) => !o.written && o.retryable)).toBe(true);
    expect(up).toEqual([{ written: true }]);
    expect(readAll(stream)).toHaveLength(1);
  });

  it('takes raw records from producers that write directly, whatever the faults', async () => {
    const stream = createMemoryEventStream();
    stream.faults.unavailable(true);

    const record = stream.appendRaw('u-9', new TextEncoder().encode('not json'));

    expect(readAll(stream)).toEqual([record]);
    expect(decodeRecord(record, Date.now())).toMatchObject({ kind: 'malformed_record', userId: 'u-9' });
  });

  it('hands out copies of record data', async () => {
    const stream = createMemoryEventStream();
    await stream.publish([envelope('u-1', 'a')]);

    stream.read('shardId-000000000000', { limit: 1 })[0]!.data.fill(0);

    expect(decodeRecord(readAll(stream)[0]!, Date.now()).kind).toBe('event');
  });
});
