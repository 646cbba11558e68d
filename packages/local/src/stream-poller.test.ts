import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createManualClock,
  createMemoryEventStore,
  createMemoryEventStream,
  createMemoryMetrics,
  type ManualClock,
  type MemoryEventStream,
} from '@activity-history/adapters-memory';
import { type Clock, dayRange, systemClock } from '@activity-history/core';
import { createHandlers, createLogger } from '@activity-history/handlers';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpoints } from './checkpoint-store.js';
import { openDeadLetters } from './dead-letter-store.js';
import { memoryShardSource } from './shard-source.js';
import { type BatchFunction, createStreamPoller, type PollerSettings } from './stream-poller.js';

const START = Date.parse('2026-03-02T12:00:00Z');
const silent = createLogger({ level: 'silent' });
const origin = { streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/test', region: 'us-east-1' };

/** One delivery as the function saw it. */
interface Invocation {
  readonly shardId: string;
  readonly sequenceNumbers: readonly string[];
  readonly texts: readonly string[];
}

/**
 * A process function whose behaviour the test decides: `decide` gets the batch's record texts and
 * answers with the texts to report failed, or throws.
 */
const recordingFunction = (decide: (texts: readonly string[]) => readonly string[] = () => []) => {
  const invocations: Invocation[] = [];
  const invoke: BatchFunction = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const texts = event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    invocations.push({
      shardId: event.Records[0]!.eventID.split(':')[0]!,
      sequenceNumbers: event.Records.map((r) => r.kinesis.sequenceNumber),
      texts,
    });
    const failed = new Set(decide(texts));
    return {
      batchItemFailures: event.Records.filter((_, i) => failed.has(texts[i]!)).map((r) => ({
        itemIdentifier: r.kinesis.sequenceNumber,
      })),
    };
  };
  return { invocations, invoke };
};

/** Writes `count` records named `<prefix>-<n>` (n from 1) for the partition key. */
const append = (stream: MemoryEventStream, count: number, prefix = 'r', partitionKey = 'u-1') =>
  Array.from({ length: count }, (_, i) =>
    stream.appendRaw(partitionKey, new TextEncoder().encode(`${prefix}-${i + 1}`)),
  );

interface SetupOptions {
  readonly settings?: Partial<PollerSettings>;
  readonly invoke: BatchFunction;
  readonly clock?: Clock;
  readonly stream?: MemoryEventStream;
  readonly dir?: string;
  readonly identity?: string;
}

const setup = async (options: SetupOptions) => {
  const clock = options.clock ?? createManualClock(START);
  const stream = options.stream ?? createMemoryEventStream({ clock });
  const source = memoryShardSource(stream);
  const identity = options.identity ?? (await source.identity());
  const checkpoints = await openCheckpoints(
    options.dir === undefined ? null : join(options.dir, 'checkpoints.json'),
    identity,
  );
  const deadLetters = await openDeadLetters(
    options.dir === undefined ? null : join(options.dir, 'dead-letters.jsonl'),
  );
  const metrics = createMemoryMetrics({ clock, retentionMs: 3_600_000 });
  const poller = await createStreamPoller({
    source: { ...source, identity: async () => identity },
    checkpoints,
    deadLetters,
    invoke: options.invoke,
    clock,
    metrics,
    logger: silent,
    origin,
    settings: { pollIntervalMs: 10, ...options.settings },
  });
  return { clock, stream, checkpoints, deadLetters, metrics, poller };
};

const textsOf = (invocations: readonly Invocation[]) => invocations.map((i) => i.texts);
const names = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${from + i}`);

describe('the stream poller (Lambda Kinesis event source mapping, in process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poller-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands over at most batchSize records per invocation, in shard order', async () => {
    const fn = recordingFunction();
    const { stream, poller } = await setup({ invoke: fn.invoke, settings: { batchSize: 100 } });
    append(stream, 250);

    expect(await poller.pollOnce()).toEqual(['delivered']);
    expect(await poller.pollOnce()).toEqual(['delivered']);
    expect(await poller.pollOnce()).toEqual(['delivered']);
    expect(await poller.pollOnce()).toEqual(['idle']);

    expect(fn.invocations.map((i) => i.texts.length)).toEqual([100, 100, 50]);
    expect(fn.invocations.flatMap((i) => i.texts)).toEqual(names('r', 1, 250));
  });

  it('gathers records for the batching window unless a full batch is ready', async () => {
    const fn = recordingFunction();
    const { clock, stream, poller } = await setup({
      invoke: fn.invoke,
      settings: { batchSize: 10, batchingWindowMs: 1_000 },
    });
    const manual = clock as ManualClock;
    append(stream, 3, 'a');

    expect(await poller.pollOnce()).toEqual(['gathering']);
    manual.advance(600);
    expect(await poller.pollOnce()).toEqual(['gathering']);
    expect(fn.invocations).toHaveLength(0);

    append(stream, 7, 'b');
    expect(await poller.pollOnce()).toEqual(['delivered']);
    expect(fn.invocations[0]!.texts).toEqual([...names('a', 1, 3), ...names('b', 1, 7)]);

    append(stream, 2, 'c');
    expect(await poller.pollOnce()).toEqual(['gathering']);
    manual.advance(1_000);
    expect(await poller.pollOnce()).toEqual(['delivered']);
    expect(fn.invocations[1]!.texts).toEqual(names('c', 1, 2));
  });

  it('keeps one batch in flight per shard and each key in order, shards in parallel', async () => {
    const stream = createMemoryEventStream({ shardCount: 3 });
    const inFlight = new Map<string, number>();
    let mostPerShard = 0;
    let mostOverall = 0;
    const seen = new Map<string, number[]>();
    const invoke: BatchFunction = async (event) => {
      const shardId = event.Records[0]!.eventID.split(':')[0]!;
      inFlight.set(shardId, (inFlight.get(shardId) ?? 0) + 1);
      mostPerShard = Math.max(mostPerShard, inFlight.get(shardId)!);
      mostOverall = Math.max(
        mostOverall,
        [...inFlight.values()].reduce((a, b) => a + b, 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const record of event.Records) {
        const [key, n] = Buffer.from(record.kinesis.data, 'base64').toString('utf8').split('#');
        seen.set(key!, [...(seen.get(key!) ?? []), Number(n)]);
      }
      inFlight.set(shardId, inFlight.get(shardId)! - 1);
      return { batchItemFailures: [] };
    };
    const { poller } = await setup({ invoke, clock: systemClock, stream, settings: { batchSize: 25 } });
    const keys = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    for (let n = 1; n <= 20; n++) {
      for (const key of keys) stream.appendRaw(key, new TextEncoder().encode(`${key}#${n}`));
    }

    poller.start();
    await expect.poll(() => [...seen.values()].flat().length, { timeout: 10_000 }).toBe(600);
    await poller.stop();

    expect(mostPerShard).toBe(1);
    expect(mostOverall).toBeGreaterThan(1);
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('checkpoints before the lowest reported failure and retries from it', async () => {
    let attempt = 0;
    const fn = recordingFunction(() => (++attempt === 1 ? ['r-7', 'r-4'] : []));
    const { stream, poller, checkpoints } = await setup({ invoke: fn.invoke, dir });
    const records = append(stream, 10);

    await poller.pollOnce();

    expect(textsOf(fn.invocations)).toEqual([names('r', 1, 10), names('r', 4, 10)]);
    expect(checkpoints.get(stream.shardIds()[0]!)).toBe(records[9]!.recordId);
    const onDisk = JSON.parse(await readFile(join(dir, 'checkpoints.json'), 'utf8'));
    expect(Object.values(onDisk.shards)).toEqual([records[9]!.recordId]);
  });

  it('bisects a batch whose invocation throws, isolating the record that breaks it', async () => {
    const fn = recordingFunction((texts) => {
      if (texts.includes('r-6')) throw new Error('the function crashed on r-6');
      return [];
    });
    const { stream, poller, deadLetters } = await setup({
      invoke: fn.invoke,
      settings: { maximumRetryAttempts: 2 },
    });
    append(stream, 8);

    await poller.pollOnce();

    expect(textsOf(fn.invocations)).toEqual([
      names('r', 1, 8),
      names('r', 1, 4),
      names('r', 5, 8),
      names('r', 5, 6),
      ['r-5'],
      ['r-6'],
      ['r-6'],
      ['r-6'],
      names('r', 7, 8),
    ]);
    expect((await deadLetters.entries()).map((l) => Buffer.from(l.data, 'base64').toString())).toEqual([
      'r-6',
    ]);
  });

  it('without bisect, retries the whole batch and dead-letters all of it', async () => {
    const fn = recordingFunction((texts) => {
      if (texts.includes('r-6')) throw new Error('the function crashed on r-6');
      return [];
    });
    const { stream, poller, deadLetters } = await setup({
      invoke: fn.invoke,
      settings: { maximumRetryAttempts: 1, bisectBatchOnFunctionError: false },
    });
    append(stream, 8);

    await poller.pollOnce();

    expect(textsOf(fn.invocations)).toEqual([names('r', 1, 8), names('r', 1, 8)]);
    const letters = await deadLetters.entries();
    expect(letters.map((l) => Buffer.from(l.data, 'base64').toString())).toEqual(names('r', 1, 8));
    expect(letters.every((l) => l.reason === 'retries_exhausted' && l.attempts === 2)).toBe(true);
    expect(letters[0]!.lastError).toBe('the function crashed on r-6');
  });

  it('retries a failing batch maximumRetryAttempts times with doubling backoff, then moves on', async () => {
    const fn = recordingFunction((texts) => texts.filter((t) => t === 'r-2'));
    const { clock, stream, poller, deadLetters, checkpoints } = await setup({
      invoke: fn.invoke,
      settings: { maximumRetryAttempts: 3, retryBackoffInitialMs: 1_000, retryBackoffMaxMs: 3_000 },
    });
    const records = append(stream, 3);

    await poller.pollOnce();

    expect(textsOf(fn.invocations)).toEqual([
      names('r', 1, 3),
      names('r', 2, 3),
      names('r', 2, 3),
      names('r', 2, 3),
    ]);
    expect(clock.now() - START).toBe(1_000 + 2_000 + 3_000);
    expect((await deadLetters.entries()).map((l) => l.sequenceNumber)).toEqual([
      records[1]!.recordId,
      records[2]!.recordId,
    ]);
    expect(checkpoints.get(stream.shardIds()[0]!)).toBe(records[2]!.recordId);
  });

  it('dead-letters failing records older than maximumRecordAge', async () => {
    const fn = recordingFunction((texts) => texts);
    const { clock, stream, poller, deadLetters } = await setup({
      invoke: fn.invoke,
      settings: { maximumRecordAgeMs: 5_000, maximumRetryAttempts: -1, retryBackoffInitialMs: 1_000 },
    });
    append(stream, 2);

    await poller.pollOnce();

    const letters = await deadLetters.entries();
    expect(letters.map((l) => l.reason)).toEqual(['record_expired', 'record_expired']);
    expect(clock.now() - START).toBeGreaterThan(5_000);
    expect(clock.now() - START).toBeLessThan(5_000 + 8_000);
  });

  it('with the default settings retries a failing batch for at least 5 minutes before dead-lettering it', async () => {
    const fn = recordingFunction((texts) => texts);
    const { clock, stream, poller, deadLetters } = await setup({ invoke: fn.invoke, settings: {} });
    append(stream, 1);

    await poller.pollOnce();

    expect(await deadLetters.entries()).toHaveLength(1);
    expect(clock.now() - START).toBeGreaterThanOrEqual(5 * 60_000);
    expect(fn.invocations.length).toBeGreaterThan(10);
  });

  it('keeps dead letters on disk and reports their depth to the metrics store', async () => {
    const fn = recordingFunction((texts) => texts);
    const { stream, poller, metrics } = await setup({
      invoke: fn.invoke,
      dir,
      settings: { maximumRetryAttempts: 0 },
    });
    append(stream, 3);

    await poller.pollOnce();

    const figures = await metrics.read(60_000);
    expect(figures.deadLetters).toEqual({ inWindow: 3, depth: 3 });
    const lines = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => Buffer.from(JSON.parse(line).data, 'base64').toString())).toEqual(
      names('r', 1, 3),
    );

    const reopened = await setup({ invoke: fn.invoke, dir, identity: 'another-life' });
    expect((await reopened.metrics.read(60_000)).deadLetters.depth).toBe(3);
  });

  it('resumes after a restart where processing stood: nothing skipped, nothing delivered twice', async () => {
    const stream = createMemoryEventStream({ shardCount: 2 });
    const identity = 'stream-life-1';
    for (let n = 0; n < 300; n++) stream.appendRaw(`user-${n % 7}`, new TextEncoder().encode(`r-${n}`));
    const first = recordingFunction();
    const before = await setup({ invoke: first.invoke, stream, dir, identity, settings: { batchSize: 50 } });
    await before.poller.pollOnce();
    await before.poller.pollOnce();

    const second = recordingFunction();
    const after = await setup({ invoke: second.invoke, stream, dir, identity, settings: { batchSize: 50 } });
    while ((await after.poller.pollOnce()).includes('delivered')) {}

    const delivered = [...first.invocations, ...second.invocations].flatMap((i) => i.texts);
    expect(first.invocations.flatMap((i) => i.texts).length).toBe(200);
    expect(delivered.sort()).toEqual(Array.from({ length: 300 }, (_, n) => `r-${n}`).sort());
  });

  it('starts at the oldest record when the checkpoints belong to an earlier life of the stream', async () => {
    const stream = createMemoryEventStream();
    append(stream, 5);
    const first = recordingFunction();
    const before = await setup({ invoke: first.invoke, stream, dir, identity: 'life-1' });
    await before.poller.pollOnce();

    const second = recordingFunction();
    const after = await setup({ invoke: second.invoke, stream, dir, identity: 'life-2' });
    await after.poller.pollOnce();

    expect(after.checkpoints.discarded).toBe(true);
    expect(textsOf(second.invocations)).toEqual([names('r', 1, 5)]);
  });

  it('records the lag of the oldest unprocessed record and the pending records while stuck', async () => {
    const stream = createMemoryEventStream();
    append(stream, 4);
    let failing = true;
    const fn = recordingFunction((texts) => (failing ? texts : []));
    const { poller, metrics } = await setup({
      invoke: fn.invoke,
      clock: systemClock,
      stream,
      settings: { retryBackoffInitialMs: 20, retryBackoffMaxMs: 20, maximumRetryAttempts: -1 },
    });

    poller.start();
    await expect.poll(() => fn.invocations.length).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    poller.recordMetrics();
    const stuck = await metrics.read(60_000);
    failing = false;
    await expect.poll(() => poller.pending()).toBe(0);
    poller.recordMetrics();
    await poller.stop();

    expect(stuck.stream.pendingRecords).toBe(4);
    expect(stuck.stream.latestLagMs).toBeGreaterThanOrEqual(60);
    const recovered = await metrics.read(60_000);
    expect(recovered.stream.pendingRecords).toBe(0);
    expect(recovered.stream.latestLagMs).toBe(0);
  });

  it('on stop abandons a batch waiting for its retry without checkpointing it', async () => {
    const fn = recordingFunction((texts) => texts);
    const stream = createMemoryEventStream();
    append(stream, 2);
    const { poller, checkpoints, deadLetters } = await setup({
      invoke: fn.invoke,
      clock: systemClock,
      stream,
      settings: { retryBackoffInitialMs: 60_000 },
    });

    poller.start();
    await expect.poll(() => fn.invocations.length).toBe(1);
    const stopping = Date.now();
    await poller.stop();

    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(checkpoints.get(stream.shardIds()[0]!)).toBeNull();
    expect(deadLetters.depth()).toBe(0);
  });

  it('drives the real process function: a throttled store delays the counts, which end exact', async () => {
    const clock = createManualClock(START);
    const store = createMemoryEventStore({ clock });
    const stream = createMemoryEventStream({ clock });
    const metrics = createMemoryMetrics({ clock, retentionMs: 3_600_000 });
    const handlers = createHandlers({
      store,
      stream,
      metrics,
      metricsReader: metrics,
      clock,
      logger: silent,
    });
    const events = Array.from({ length: 30 }, (_, i) => ({
      eventId: `e-${i}`,
      userId: 'u-1',
      type: 'track.played',
      occurredAt: '2026-03-02T10:00:00Z',
      quantity: 2,
      attributes: {},
    }));
    await stream.publish(
      [...events, events[0]!].map((event) => ({
        v: 1 as const,
        event,
        correlationId: 'c-1',
        receivedAt: '2026-03-02T11:00:00Z',
      })),
    );
    store.faults.throttle(2);
    const { poller } = await setup({ invoke: handlers.process, clock, stream, settings: { batchSize: 10 } });

    while ((await poller.pollOnce()).includes('delivered')) {}

    const day = dayRange(Date.parse('2026-03-02T00:00:00Z'), Date.parse('2026-03-03T00:00:00Z'));
    if (!day.ok) throw new Error('the test day is not a day range');
    const counters = await store.readDailyCounters('u-1', day.value);
    expect(counters.map((c) => [c.summary.count, c.summary.quantityMicros])).toEqual([[30, 60_000_000n]]);
    expect((await metrics.read(3_600_000)).stream.retriedRecords).toBeGreaterThan(0);
  });
});
