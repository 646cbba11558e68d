import { createManualClock, createMemoryEventStore } from '@activity-history/adapters-memory';
import {
  type ActivityEvent,
  dayRange,
  type IncomingRecord,
  type MetricsRecorder,
  processBatch,
  type StreamEnvelope,
} from '@activity-history/core';
import {
  createDeliveryEngine,
  type DeliveryFunction,
  type DeliverySettings,
  type ShardCheckpoints,
} from '@activity-history/delivery';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { openJetStreamCheckpoints } from './jetstream-checkpoints.js';
import { DEAD_LETTER_HEADERS, openJetStreamDeadLetters } from './jetstream-dead-letters.js';
import { jetStreamShardSource } from './jetstream-shard-source.js';
import { ensureJetStream } from './provisioning.js';
import { type JetStreamHarness, jetStreamHarness, sharedNatsServer } from './testing/index.js';

/** One server for the file, started by the first test that needs it. */
const nats = sharedNatsServer();
const server = nats.get;
afterAll(nats.stop);

const USERS = 5;
const DAY = Date.UTC(2026, 2, 1);

const envelope = (i: number): StreamEnvelope => ({
  v: 1,
  event: {
    eventId: `e-${i}`,
    userId: `u-${i % USERS}`,
    type: 'track.played',
    occurredAt: new Date(DAY + i * 1000).toISOString(),
    quantity: 1,
    attributes: {},
  } satisfies ActivityEvent,
  correlationId: 'c-1',
  receivedAt: '2026-03-01T12:00:00.000Z',
});

const envelopes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => envelope(from + i));

/** A clock whose sleeps pass at once: the engine's retries and backoffs cost no wall time. */
const instantClock = () => createManualClock(DAY + 12 * 3_600_000);

const quietMetrics: MetricsRecorder = { record: () => {}, flush: async () => {} };

const eventIdOf = (record: IncomingRecord) =>
  (JSON.parse(new TextDecoder().decode(record.data)) as StreamEnvelope).event.eventId;

/** A harness with the server's address and a dead-letter stream of its own. */
type Harness = JetStreamHarness & { readonly server: string; readonly deadLetterStream: string };

let buckets = 0;
/** A bucket of its own per test: the consumer group whose delivery state the test follows. */
const freshBucket = () => `checkpoints-${Date.now().toString(36)}-${buckets++}`;

/**
 * One consumer process: its own connection (a new container has nothing but the server), the
 * harness's stream read through a shard source of its own, and checkpoints opened from the bucket.
 */
const consumerProcess = async (
  harness: Harness,
  bucket: string,
  invoke: DeliveryFunction,
  options: {
    settings?: Partial<DeliverySettings>;
    checkpoints?: (real: ShardCheckpoints) => ShardCheckpoints;
  } = {},
) => {
  const connection = await connect({ servers: harness.server });
  const source = jetStreamShardSource({
    connection,
    stream: harness.streamName,
    partitions: harness.partitions,
  });
  const checkpoints = await openJetStreamCheckpoints({ connection, bucket, source });
  const delivered: IncomingRecord[] = [];
  const engine = createDeliveryEngine({
    source,
    checkpoints: options.checkpoints?.(checkpoints) ?? checkpoints,
    deadLetters: await openJetStreamDeadLetters({ connection, stream: harness.deadLetterStream }),
    invoke: async (batch) => {
      delivered.push(...batch.records);
      return invoke(batch);
    },
    clock: instantClock(),
    metrics: { ...quietMetrics, setDeadLetterDepth: () => {} },
    logger: { warn: () => {}, error: () => {} },
    settings: { batchSize: 7, ...options.settings },
  });
  return { connection, checkpoints, engine, delivered, close: () => connection.close() };
};

const withHarness = async (test: (harness: Harness) => Promise<void>, partitions = 3) => {
  const nats = await server();
  const harness = await jetStreamHarness(nats, partitions);
  const deadLetterStream = `${harness.streamName}-dead-letters`;
  await ensureJetStream(await jetstreamManager(harness.connection), {
    name: deadLetterStream,
    subjects: [`${deadLetterStream}.>`],
    duplicateWindowMs: 120_000,
  });
  try {
    await test({ ...harness, server: nats.server, deadLetterStream });
  } finally {
    await harness.cleanup();
  }
};

const succeed: DeliveryFunction = async () => ({ failed: [] });

describe('JetStream checkpoints', () => {
  it('let a consumer restarted over the same server resume right after the last checkpoint', async () => {
    await withHarness(async (harness) => {
      const bucket = freshBucket();
      const first = envelopes(0, 40);
      expect((await harness.stream.publish(first)).every((o) => o.written)).toBe(true);
      const before = await consumerProcess(harness, bucket, succeed);
      expect((await before.engine.drain()).drained).toBe(true);
      await before.close();

      const second = envelopes(40, 25);
      expect((await harness.stream.publish(second)).every((o) => o.written)).toBe(true);
      const after = await consumerProcess(harness, bucket, succeed);
      const report = await after.engine.drain();
      await after.close();

      expect(before.delivered.map(eventIdOf).sort()).toEqual(first.map((e) => e.event.eventId).sort());
      expect(after.delivered.map(eventIdOf).sort()).toEqual(second.map((e) => e.event.eventId).sort());
      expect(report.deliveredRecords).toBe(second.length);
      // The bucket holds, per partition, the last sequence delivered there.
      const kv = await new Kvm(harness.connection).open(bucket);
      for (const shard of await harness.source.shardIds()) {
        const last = [...before.delivered, ...after.delivered].filter((r) => r.shard === shard).at(-1);
        expect((await kv.get(shard))?.json<{ sequence: string }>().sequence).toBe(last?.recordId);
      }
    });
  });

  it('drop the checkpoints of an earlier life of the stream, so a recreated stream is read from its start', async () => {
    await withHarness(async (harness) => {
      const bucket = freshBucket();
      await harness.stream.publish(envelopes(0, 10));
      const before = await consumerProcess(harness, bucket, succeed);
      await before.engine.drain();
      await before.close();
      const jsm = await jetstreamManager(harness.connection);
      const { config } = await jsm.streams.info(harness.streamName);
      await jsm.streams.delete(harness.streamName);
      // A creation time of its own, which names the new life.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await jsm.streams.add(config);
      await harness.stream.publish(envelopes(100, 4));

      const after = await consumerProcess(harness, bucket, succeed);
      await after.engine.drain();
      await after.close();

      expect([...after.checkpoints.discarded].sort()).toEqual(
        [...new Set(before.delivered.map((r) => r.shard))].sort(),
      );
      expect(after.delivered.map(eventIdOf).sort()).toEqual(['e-100', 'e-101', 'e-102', 'e-103']);
    });
  });

  it('never move back: a stale consumer of the partition saving an older position leaves the further one', async () => {
    await withHarness(async (harness) => {
      const bucket = freshBucket();
      const source = jetStreamShardSource({
        connection: harness.connection,
        stream: harness.streamName,
        partitions: 1,
      });
      const [shard] = await source.shardIds();
      const stale = await openJetStreamCheckpoints({ connection: harness.connection, bucket, source });
      const current = await openJetStreamCheckpoints({ connection: harness.connection, bucket, source });

      await stale.save(shard!, '3');
      await current.save(shard!, '9');
      await stale.save(shard!, '5');
      await stale.save(shard!, '12');
      await current.save(shard!, '10');

      const reopened = await openJetStreamCheckpoints({ connection: harness.connection, bucket, source });
      expect(reopened.get(shard!)).toBe('12');
      expect(current.get(shard!)).toBe('12');
    }, 1);
  });
});

describe('JetStream dead-letter stream', () => {
  it('holds the records of a batch the function keeps failing, with reason, attempts and last error, and the engine moves on', async () => {
    await withHarness(async (harness) => {
      const bucket = freshBucket();
      const published = envelopes(0, 30);
      await harness.stream.publish(published);
      const poisoned = 'e-12';
      // The function throws for any batch holding the poisoned event: bisection narrows it to that record.
      const failing: DeliveryFunction = async ({ records }) => {
        if (records.some((r) => eventIdOf(r) === poisoned)) throw new Error(`cannot process ${poisoned}`);
        return { failed: [] };
      };
      const consumer = await consumerProcess(harness, bucket, failing, {
        settings: { maximumRetryAttempts: 2 },
      });

      const report = await consumer.engine.drain();
      await consumer.close();

      const deadLetters = await openJetStreamDeadLetters({
        connection: harness.connection,
        stream: harness.deadLetterStream,
      });
      const letters = await deadLetters.read(0, 100);
      expect(report.drained).toBe(true);
      expect(letters.map(({ letter }) => letter)).toEqual([
        expect.objectContaining({
          partitionKey: 'u-2',
          reason: 'retries_exhausted',
          attempts: 3,
          lastError: `cannot process ${poisoned}`,
        }),
      ]);
      const [{ letter, sequence }] = letters as [(typeof letters)[number]];
      const record = consumer.delivered.find((r) => eventIdOf(r) === poisoned)!;
      expect(letter.shardId).toBe(record.shard);
      expect(letter.sequenceNumber).toBe(record.recordId);
      expect(JSON.parse(Buffer.from(letter.data, 'base64').toString('utf8'))).toEqual(published[12]);
      const stored = await (await jetstreamManager(harness.connection)).streams.getMessage(
        harness.deadLetterStream,
        { seq: sequence },
      );
      expect(stored?.header.get(DEAD_LETTER_HEADERS.reason)).toBe('retries_exhausted');
      expect(stored?.header.get(DEAD_LETTER_HEADERS.sequence)).toBe(record.recordId);
      // The depth is the stream's: a new process sees it.
      expect(deadLetters.depth()).toBe(1);
      // Every other record was processed and the poisoned one's partition moved past it.
      const processed = new Set(consumer.delivered.map(eventIdOf));
      expect(processed.size).toBe(published.length);
      expect(BigInt(consumer.checkpoints.get(record.shard)!)).toBeGreaterThan(BigInt(record.recordId));
    });
  });

  it('stores a dead letter once when the same batch is dead-lettered again after a crash', async () => {
    await withHarness(async (harness) => {
      const deadLetters = await openJetStreamDeadLetters({
        connection: harness.connection,
        stream: harness.deadLetterStream,
      });
      await harness.stream.publish(envelopes(0, 3));
      const [shard] = await harness.source.shardIds();
      const records = await harness.source.read(shard!, null, 10);
      const batch = {
        shardId: shard!,
        records,
        reason: 'record_expired' as const,
        attempts: 1,
        lastError: 'too old',
        at: Date.UTC(2026, 2, 1, 12),
      };

      await deadLetters.add(batch);
      await deadLetters.add(batch);

      expect(deadLetters.depth()).toBe(records.length);
      expect((await deadLetters.read(0, 100)).map(({ letter }) => letter.sequenceNumber)).toEqual(
        records.map((r) => r.recordId),
      );
    }, 1);
  });
});

describe('JetStream delivery after a crash', () => {
  it('delivers again what a consumer processed but did not checkpoint before it died, and the store counts nothing twice', async () => {
    await withHarness(async (harness) => {
      const bucket = freshBucket();
      const store = createMemoryEventStore({ clock: instantClock() });
      const process: DeliveryFunction = async ({ records }) => ({
        failed: (await processBatch(records, { store, clock: instantClock(), metrics: quietMetrics })).retry,
      });
      const published = envelopes(0, 30);
      await harness.stream.publish(published);
      let saves = 0;
      // The process dies after its second batch was stored, before that batch's checkpoint is written.
      const dying = await consumerProcess(harness, bucket, process, {
        checkpoints: (real) => ({
          get: (shardId) => real.get(shardId),
          save: async (shardId, sequence) => {
            if (++saves > 1) throw new Error('the process died');
            await real.save(shardId, sequence);
          },
        }),
      });
      await dying.engine.pollOnce();
      await expect(dying.engine.pollOnce()).rejects.toThrow('the process died');
      await dying.close();

      const restarted = await consumerProcess(harness, bucket, process);
      const report = await restarted.engine.drain();
      await restarted.close();

      // The second batch came again: delivered twice in all, stored once.
      const deliveredTwice = dying.delivered.slice(7).map(eventIdOf);
      expect(deliveredTwice).toHaveLength(7);
      expect(restarted.delivered.slice(0, 7).map(eventIdOf)).toEqual(deliveredTwice);
      expect(report.deliveredRecords).toBe(published.length - 7);
      const range = dayRange(DAY, DAY + 86_400_000);
      if (!range.ok) throw new Error('a day is a range');
      for (let user = 0; user < USERS; user++) {
        const counters = await store.readDailyCounters(`u-${user}`, range.value);
        expect(counters.map((c) => c.summary.count)).toEqual([published.length / USERS]);
      }
    }, 1);
  });
});
