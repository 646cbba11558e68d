import type { ActivityEvent, IncomingRecord, StreamEnvelope } from '@activity-history/core';
import { seededRandom } from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryEventStream } from './memory-event-stream.js';
import { createStreamDeliveries } from './stream-delivery.js';

const envelope = (userId: string, eventId: string): StreamEnvelope => {
  const event: ActivityEvent = {
    eventId,
    userId,
    type: 'x',
    occurredAt: '2026-03-01T12:00:00.000Z',
    quantity: 1,
    attributes: {},
  };
  return { v: 1, event, correlationId: 'c', receivedAt: '2026-03-01T12:00:01Z' };
};

const ids = (records: readonly IncomingRecord[]) => records.map((r) => r.recordId);

const streamOf = async (shardCount: number, users: readonly string[], perUser: number) => {
  const stream = createMemoryEventStream({ shardCount });
  for (let i = 0; i < perUser; i++) await stream.publish(users.map((user) => envelope(user, `e${i}`)));
  return stream;
};

describe('createStreamDeliveries', () => {
  it('delivers every record once, in order per shard, in batches of at most batchSize', async () => {
    const stream = await streamOf(1, ['u-1', 'u-2'], 5);
    const deliveries = createStreamDeliveries(stream, { batchSize: 4 });
    const batches: string[][] = [];

    const report = await deliveries.drain(async (records) => {
      batches.push(ids(records));
      return [];
    });

    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat()).toEqual(ids(stream.read('shardId-000000000000', { limit: 100 })));
    expect(report).toEqual({ batches: 3, deliveredRecords: 10, errors: 0, drained: true });
    expect(deliveries.pending()).toBe(0);
  });

  it('resumes a shard at the lowest failed record of a batch (ReportBatchItemFailures)', async () => {
    const stream = await streamOf(1, ['u-1'], 6);
    const all = ids(stream.read('shardId-000000000000', { limit: 100 }));
    const deliveries = createStreamDeliveries(stream, { batchSize: 10 });

    const first = deliveries.next()!;
    deliveries.complete(first, [all[4]!, all[2]!]);
    const second = deliveries.next()!;

    expect(ids(first.records)).toEqual(all);
    expect(ids(second.records)).toEqual(all.slice(2));
    expect(deliveries.pending()).toBe(4);
  });

  it('delivers the whole batch again when the processor throws', async () => {
    const stream = await streamOf(1, ['u-1'], 3);
    const deliveries = createStreamDeliveries(stream);
    let calls = 0;

    const report = await deliveries.drain(async () => {
      calls++;
      if (calls === 1) throw new Error('function crashed');
      return [];
    });

    expect(report).toEqual({ batches: 2, deliveredRecords: 6, errors: 1, drained: true });
  });

  it('keeps one batch in flight per shard', async () => {
    const stream = await streamOf(1, ['u-1'], 6);
    const deliveries = createStreamDeliveries(stream, { batchSize: 2 });

    const first = deliveries.next();
    expect(deliveries.next()).toBeNull();
    deliveries.complete(first!, []);
    expect(deliveries.next()).not.toBeNull();
  });

  it('delivers processed batches again with the redelivery fault, and still drains', async () => {
    const stream = await streamOf(2, ['u-1', 'u-2', 'u-3'], 10);
    const deliveries = createStreamDeliveries(stream, {
      batchSize: 5,
      redeliverShare: 0.5,
      random: seededRandom(1),
    });
    const seen = new Map<string, number>();

    const report = await deliveries.drain(async (records) => {
      for (const id of ids(records)) seen.set(id, (seen.get(id) ?? 0) + 1);
      return [];
    });

    expect(report.drained).toBe(true);
    expect(seen.size).toBe(30);
    expect(report.deliveredRecords).toBeGreaterThan(30);
    expect([...seen.values()].some((n) => n > 1)).toBe(true);
  });

  it('reorders records across partition keys but never within one', async () => {
    const stream = await streamOf(1, ['u-1', 'u-2', 'u-3'], 8);
    const inLog = stream.read('shardId-000000000000', { limit: 100 });
    const deliveries = createStreamDeliveries(stream, {
      batchSize: 100,
      reorder: true,
      random: seededRandom(7),
    });

    const delivered = deliveries.next()!.records;

    expect(ids(delivered)).not.toEqual(ids(inLog));
    expect([...ids(delivered)].sort()).toEqual(ids(inLog));
    for (const user of ['u-1', 'u-2', 'u-3']) {
      const mine = (records: readonly IncomingRecord[]) =>
        ids(records.filter((r) => r.partitionKey === user));
      expect(mine(delivered)).toEqual(mine(inLog));
    }
  });

  it('stops at maxBatches and says it did not drain', async () => {
    const stream = await streamOf(1, ['u-1'], 5);
    const deliveries = createStreamDeliveries(stream, { batchSize: 1 });

    const report = await deliveries.drain(async () => [], 3);

    expect(report).toMatchObject({ batches: 3, drained: false });
    expect(deliveries.pending()).toBe(2);
  });
});
