import { dayRange, ingest } from '@activity-history/core';
import { seededRandom } from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline, TRUSTED } from './memory-pipeline.js';

const DAY = (() => {
  const r = dayRange(Date.UTC(2029, 5, 1), Date.UTC(2029, 5, 2));
  if (!r.ok) throw new Error('the test day is not a day range');
  return r.value;
})();

const events = Array.from({ length: 30 }, (_, i) => ({
  eventId: `e-${i}`,
  userId: 'u-1',
  type: 'track.played',
  occurredAt: '2029-06-01T10:00:00Z',
  quantity: 2,
}));

/** The 30 events and a resend of the first, accepted into the stream. */
const sendAll = async (pipeline: MemoryPipeline) => {
  const result = await ingest(
    { body: { events: [...events, events[0]!] }, caller: TRUSTED, correlationId: 'req' },
    pipeline.ingestDeps,
  );
  expect(result.kind).toBe('accepted');
};

const countsOf = async (pipeline: MemoryPipeline) =>
  (await pipeline.store.readDailyCounters('u-1', DAY)).map((c) => [
    c.summary.count,
    c.summary.quantityMicros,
  ]);

describe('the memory pipeline, delivered through the engine', () => {
  it('drives the real process function: a throttled store delays the counts, which end exact', async () => {
    const pipeline = memoryPipeline({ shardCount: 1, delivery: { settings: { batchSize: 10 } } });
    await sendAll(pipeline);
    pipeline.store.faults.throttle(2);

    const report = await pipeline.processAll();

    expect(report.drained).toBe(true);
    expect(await countsOf(pipeline)).toEqual([[30, 60_000_000n]]);
    expect((await pipeline.metrics.read(3_600_000)).stream.retriedRecords).toBeGreaterThan(0);
    expect(pipeline.deadLetters.batches).toEqual([]);
  });

  it('counts exactly once when invocations time out and run on beside their retries (zombies)', async () => {
    const pipeline = memoryPipeline({
      shardCount: 2,
      random: seededRandom(11),
      delivery: {
        settings: { batchSize: 4 },
        faults: { zombieShare: 0.4, redeliverShare: 0.2, reorder: true },
      },
    });
    await sendAll(pipeline);

    const report = await pipeline.processAll();
    await pipeline.settled();

    expect(report).toMatchObject({ drained: true });
    expect(report.errors).toBeGreaterThan(0);
    expect(report.deliveredRecords).toBeGreaterThan(31);
    expect(await countsOf(pipeline)).toEqual([[30, 60_000_000n]]);
  });

  it('dead-letters what keeps failing once the retries run out, and checkpoints past it', async () => {
    const pipeline = memoryPipeline({
      shardCount: 1,
      delivery: { settings: { batchSize: 10, maximumRetryAttempts: 2 } },
    });
    await sendAll(pipeline);
    pipeline.store.faults.throttle('always');

    const report = await pipeline.processAll();

    expect(report.drained).toBe(true);
    expect(pipeline.deadLetters.batches.flatMap((batch) => batch.records)).toHaveLength(31);
    expect(pipeline.deadLetters.batches.every((batch) => batch.reason === 'retries_exhausted')).toBe(true);
    const [shardId] = pipeline.stream.shardIds();
    expect(pipeline.checkpoints.get(shardId!)).toBe(
      pipeline.stream.read(shardId!, { limit: 100 }).at(-1)!.recordId,
    );
  });
});
