import type {
  ActivityEvent,
  Clock,
  IncomingRecord,
  ShardSource,
  StreamEnvelope,
} from '@activity-history/core';
import {
  createDeliveryEngine,
  createMemoryCheckpoints,
  createMemoryDeadLetters,
  type MemoryCheckpoints,
} from '@activity-history/delivery';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { jetStreamShardSource } from './jetstream-shard-source.js';
import { type JetStreamHarness, jetStreamHarness, sharedNatsServer } from './testing/index.js';

/** One server for the file, started by the first test that needs it. */
const nats = sharedNatsServer();
const server = nats.get;
afterAll(nats.stop);

const envelope = (i: number): StreamEnvelope => ({
  v: 1,
  event: {
    eventId: `e-${i}`,
    userId: `u-${i % 5}`,
    type: 'track.played',
    occurredAt: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
    quantity: 1,
    attributes: {},
  } satisfies ActivityEvent,
  correlationId: 'c-1',
  receivedAt: '2026-03-01T12:00:00.000Z',
});

/** A clock whose sleeps pass at once: the engine's waits cost no wall time. */
const instantClock = (): Clock => {
  let now = Date.UTC(2026, 2, 1, 12);
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
};

/** An engine over the source that records every batch it hands to the function, per shard. */
const engineOver = (source: ShardSource, checkpoints: MemoryCheckpoints) => {
  const delivered: IncomingRecord[] = [];
  const engine = createDeliveryEngine({
    source,
    checkpoints,
    deadLetters: createMemoryDeadLetters(),
    invoke: async ({ records }) => {
      delivered.push(...records);
      return { failed: [] };
    },
    clock: instantClock(),
    metrics: { record: () => {}, flush: async () => {}, setDeadLetterDepth: () => {} },
    logger: { warn: () => {}, error: () => {} },
    settings: { batchSize: 7 },
  });
  return { engine, delivered };
};

const eventIdsOf = (records: readonly IncomingRecord[]) =>
  records.map(
    (record) => (JSON.parse(new TextDecoder().decode(record.data)) as StreamEnvelope).event.eventId,
  );

/** Each shard's records, in the order delivered. */
const byShard = (records: readonly IncomingRecord[]): Map<string, IncomingRecord[]> => {
  const shards = new Map<string, IncomingRecord[]>();
  for (const record of records) shards.set(record.shard, [...(shards.get(record.shard) ?? []), record]);
  return shards;
};

const withHarness = async (test: (harness: JetStreamHarness) => Promise<void>) => {
  const harness = await jetStreamHarness(await server(), 3);
  try {
    await test(harness);
  } finally {
    await harness.cleanup();
  }
};

describe('JetStream shard source', () => {
  it('delivers every published record exactly once, in stream order per partition, and a restart resumes at the checkpoint', async () => {
    await withHarness(async (harness) => {
      const first = Array.from({ length: 40 }, (_, i) => envelope(i));
      expect((await harness.stream.publish(first)).every((o) => o.written)).toBe(true);
      const checkpoints = createMemoryCheckpoints();

      const before = engineOver(harness.source, checkpoints);
      expect((await before.engine.drain()).drained).toBe(true);
      const second = Array.from({ length: 25 }, (_, i) => envelope(40 + i));
      expect((await harness.stream.publish(second)).every((o) => o.written)).toBe(true);
      // A new process: only the checkpoints survive.
      const after = engineOver(harness.source, checkpoints);
      expect((await after.engine.drain()).drained).toBe(true);

      expect(eventIdsOf(before.delivered).sort()).toEqual(first.map((e) => e.event.eventId).sort());
      expect(eventIdsOf(after.delivered).sort()).toEqual(second.map((e) => e.event.eventId).sort());
      const all = [...before.delivered, ...after.delivered];
      for (const [shard, records] of byShard(all)) {
        const sequences = records.map((record) => Number(record.recordId));
        expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        expect(new Set(sequences).size).toBe(sequences.length);
        expect(checkpoints.get(shard)).toBe(records.at(-1)?.recordId);
        for (const record of records) {
          expect(record.partitionKey).toBe(`u-${Number(eventIdsOf([record])[0]!.slice(2)) % 5}`);
        }
      }
      // One user's records in publish order.
      for (let user = 0; user < 5; user++) {
        expect(eventIdsOf(all.filter((record) => record.partitionKey === `u-${user}`))).toEqual(
          [...first, ...second].filter((e) => e.event.userId === `u-${user}`).map((e) => e.event.eventId),
        );
      }
    });
  });

  it('reads a partition by stream sequence: after a position, at most the limit, with the stream timestamp', async () => {
    await withHarness(async (harness) => {
      const startedAt = Date.now();
      await harness.stream.publish(Array.from({ length: 20 }, (_, i) => envelope(i)));
      const [shard] = await harness.source.shardIds();

      const all = await harness.source.read(shard!, null, 1_000);
      const page = await harness.source.read(shard!, all[1]!.recordId, 2);

      expect(all.length).toBeGreaterThan(3);
      expect(all.every((record) => record.shard === shard && /^\d+$/.test(record.recordId))).toBe(true);
      expect(page.map((record) => record.recordId)).toEqual(all.slice(2, 4).map((record) => record.recordId));
      expect(await harness.source.read(shard!, all.at(-1)!.recordId, 10)).toEqual([]);
      expect(all[0]!.arrivedAt).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(all[0]!.arrivedAt).toBeLessThanOrEqual(Date.now() + 1_000);
    });
  });

  it('reads only the partitions it is given: consumers splitting them see each record once between them', async () => {
    await withHarness(async (harness) => {
      await harness.stream.publish(Array.from({ length: 30 }, (_, i) => envelope(i)));
      const part = (readPartitions: readonly number[]) =>
        jetStreamShardSource({ ...harness, stream: harness.streamName, readPartitions });
      const [first, rest] = [part([0]), part([2, 1])];

      const delivered = await Promise.all(
        [first, rest].map(async (source) => {
          const { engine, delivered } = engineOver(source, createMemoryCheckpoints());
          await engine.drain();
          return delivered;
        }),
      );

      expect(await first.shardIds()).toEqual([`${harness.streamName}.0`]);
      expect(await rest.shardIds()).toEqual([`${harness.streamName}.1`, `${harness.streamName}.2`]);
      await expect(first.read(`${harness.streamName}.1`, null, 10)).rejects.toThrow(/no partition/);
      expect(delivered.every((records) => records.length > 0)).toBe(true);
      expect(eventIdsOf(delivered.flat()).sort()).toEqual(
        Array.from({ length: 30 }, (_, i) => `e-${i}`).sort(),
      );
      expect(() => part([3])).toThrow(RangeError);
    });
  });

  it('reads a long partition whole, oldest first, past other partitions and deleted records, and leaves no consumer behind', async () => {
    await withHarness(async (harness) => {
      const published = await harness.stream.publish(Array.from({ length: 300 }, (_, i) => envelope(i)));
      expect(published.every((o) => o.written)).toBe(true);
      const jsm = await jetstreamManager(harness.connection);
      const [shard] = await harness.source.shardIds();
      // The partition's records as the stream holds them, one stream sequence at a time.
      const inStream: { seq: number; eventId: string }[] = [];
      const { state } = await jsm.streams.info(harness.streamName);
      for (let seq = 1; seq <= state.last_seq; seq++) {
        const message = await jsm.direct.getMessage(harness.streamName, { seq });
        if (message !== null && message.subject === shard)
          inStream.push({ seq, eventId: message.json<StreamEnvelope>().event.eventId });
      }
      // Two records gone from the middle of the partition, as a purge or a retention limit leaves it.
      const gone = [inStream[5]!, inStream[40]!];
      for (const { seq } of gone) await jsm.streams.deleteMessage(harness.streamName, seq);
      const expected = inStream.filter((record) => !gone.includes(record));

      const whole = await harness.source.read(shard!, null, 10_000);
      const head = await harness.source.read(shard!, null, 30);
      const middle = await harness.source.read(shard!, String(expected[29]!.seq), 30);
      const tail = await harness.source.read(shard!, String(expected.at(-3)!.seq), 30);

      const seqs = (records: readonly IncomingRecord[]) => records.map((record) => Number(record.recordId));
      expect(expected.length).toBeGreaterThan(60);
      expect(seqs(whole)).toEqual(expected.map((record) => record.seq));
      expect(eventIdsOf(whole)).toEqual(expected.map((record) => record.eventId));
      expect(whole.every((record) => record.shard === shard && record.partitionKey.startsWith('u-'))).toBe(
        true,
      );
      expect(seqs(head)).toEqual(expected.slice(0, 30).map((record) => record.seq));
      expect(seqs(middle)).toEqual(expected.slice(30, 60).map((record) => record.seq));
      expect(seqs(tail)).toEqual(expected.slice(-2).map((record) => record.seq));
      expect(await jsm.consumers.list(harness.streamName).next()).toEqual([]);
    });
  });

  it('names the stream by its life: a stream deleted and created again has another identity', async () => {
    await withHarness(async (harness) => {
      const identity = await harness.source.identity();
      const jsm = await jetstreamManager(harness.connection);
      const { config } = await jsm.streams.info(harness.streamName);

      await jsm.streams.delete(harness.streamName);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await jsm.streams.add(config);

      expect(identity.startsWith(`${harness.streamName}@`)).toBe(true);
      expect(await harness.source.identity()).not.toBe(identity);
      expect(await harness.source.identity()).toBe(await harness.source.identity());
    });
  });
});
