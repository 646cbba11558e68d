import { dayRange, decodeRecord, ingest, type StreamEnvelope } from '@activity-history/core';
import { ARBITRARY_NOW } from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline, TRUSTED, userCaller } from '../testing/memory-pipeline.js';

const event = (eventId: string, userId = 'u-1', extra: Record<string, unknown> = {}) => ({
  eventId,
  userId,
  type: 'track.played',
  occurredAt: '2026-03-01T12:00:00+01:00',
  ...extra,
});

/** What the stream holds, decoded, in order. */
const streamed = (pipeline: MemoryPipeline) =>
  pipeline.stream.shardIds().flatMap((shardId) =>
    pipeline.stream.read(shardId, { limit: 10_000 }).map((record) => ({
      partitionKey: record.partitionKey,
      decoded: decodeRecord(record, ARBITRARY_NOW),
    })),
  );

const eventIdsIn = (pipeline: MemoryPipeline) =>
  streamed(pipeline).map(({ decoded }) => (decoded.kind === 'event' ? decoded.event.eventId : null));

describe('ingest', () => {
  it('accepts a single event and writes its normalized envelope to the stream, keyed by user', async () => {
    const pipeline = memoryPipeline();

    const result = await ingest(
      { body: event('e-1'), caller: userCaller('u-1'), correlationId: 'req-1' },
      pipeline.ingestDeps,
    );

    expect(result).toEqual({ kind: 'accepted', accepted: [{ index: 0, eventId: 'e-1' }], rejected: [] });
    const [record] = streamed(pipeline);
    expect(record?.partitionKey).toBe('u-1');
    expect(record?.decoded).toMatchObject({
      kind: 'event',
      correlationId: 'req-1',
      event: { eventId: 'e-1', occurredAt: '2026-03-01T11:00:00.000Z', quantity: 1, attributes: {} },
    });
  });

  it('accepts the valid events of a batch and rejects the others with their errors', async () => {
    const pipeline = memoryPipeline();
    const body = {
      events: [
        event('e-1'),
        event('e-2', 'u-1', { quantity: 0 }),
        event('e-3'),
        { eventId: 'e-4', userId: 'u-1' },
      ],
    };

    const result = await ingest(
      { body, caller: userCaller('u-1'), correlationId: 'req-1' },
      pipeline.ingestDeps,
    );

    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    expect(result.accepted).toEqual([
      { index: 0, eventId: 'e-1' },
      { index: 2, eventId: 'e-3' },
    ]);
    expect(result.rejected.map((r) => [r.index, r.eventId, r.errors.map((e) => e.path)])).toEqual([
      [1, 'e-2', ['quantity']],
      [3, 'e-4', ['type', 'occurredAt']],
    ]);
    expect(eventIdsIn(pipeline)).toEqual(['e-1', 'e-3']);
    const figures = await pipeline.metrics.read(60_000);
    expect(figures.ingest.accepted).toBe(2);
  });

  it.each([
    ['an array', [event('e-1')]],
    ['a string', 'e-1'],
    ['null', null],
    ['events that is not an array', { events: event('e-1') }],
    ['no events', { events: [] }],
    ['more than 500 events', { events: Array.from({ length: 501 }, (_, i) => event(`e-${i}`)) }],
    ['a field beside events', { events: [event('e-1')], dryRun: true }],
  ])('answers a body that is %s with invalid_body and writes nothing', async (_, body) => {
    const pipeline = memoryPipeline();

    const result = await ingest({ body, caller: TRUSTED, correlationId: 'req-1' }, pipeline.ingestDeps);

    expect(result).toMatchObject({ kind: 'bad_request', code: 'invalid_body', rejected: [] });
    expect(streamed(pipeline)).toEqual([]);
  });

  it('answers invalid_events, listing every rejection, when no event is valid', async () => {
    const pipeline = memoryPipeline();
    const body = { events: [event('e-1', 'u-1', { quantiy: 2 }), event('bad id')] };

    const result = await ingest(
      { body, caller: userCaller('u-1'), correlationId: 'req-1' },
      pipeline.ingestDeps,
    );

    expect(result).toMatchObject({ kind: 'bad_request', code: 'invalid_events' });
    expect(result.kind === 'bad_request' && result.rejected.map((r) => r.errors[0]?.path)).toEqual([
      'quantiy',
      'eventId',
    ]);
    expect(streamed(pipeline)).toEqual([]);
    const figures = await pipeline.metrics.read(60_000);
    expect(figures.ingest.accepted).toBe(0);
  });

  it("refuses a whole request carrying another user's event unless the caller has the ingest scope", async () => {
    const pipeline = memoryPipeline();
    const body = { events: [event('e-1', 'u-1'), event('e-2', 'u-2')] };

    const refused = await ingest(
      { body, caller: userCaller('u-1'), correlationId: 'req-1' },
      pipeline.ingestDeps,
    );
    expect(refused.kind).toBe('forbidden');
    expect(streamed(pipeline)).toEqual([]);

    const trusted = await ingest({ body, caller: TRUSTED, correlationId: 'req-2' }, pipeline.ingestDeps);
    expect(trusted.kind).toBe('accepted');
    expect(
      streamed(pipeline)
        .map((r) => r.partitionKey)
        .sort(),
    ).toEqual(['u-1', 'u-2']);
  });

  it('retries the records the stream refused and accepts them all when a retry gets through', async () => {
    const pipeline = memoryPipeline();
    const refusedOnce = new Set<string>();
    pipeline.stream.faults.refuse((e: StreamEnvelope) => {
      if (Number(e.event.eventId.slice(2)) % 2 === 0 || refusedOnce.has(e.event.eventId)) return false;
      refusedOnce.add(e.event.eventId);
      return true;
    });
    const body = { events: Array.from({ length: 6 }, (_, i) => event(`e-${i}`)) };

    const result = await ingest({ body, caller: TRUSTED, correlationId: 'req-1' }, pipeline.ingestDeps);

    expect(result.kind).toBe('accepted');
    expect(result.kind === 'accepted' && result.accepted).toHaveLength(6);
    expect(eventIdsIn(pipeline)).toEqual(['e-0', 'e-2', 'e-4', 'e-1', 'e-3', 'e-5']);
    const figures = await pipeline.metrics.read(60_000);
    expect(figures.ingest).toEqual({ accepted: 6, streamWriteFailures: 0, streamWriteRetries: 3 });
  });

  it('answers unavailable with the accepted/failed split when refusals persist, and a resend is counted once', async () => {
    const pipeline = memoryPipeline();
    pipeline.stream.faults.refuse((e) => e.event.eventId === 'e-1');
    const body = {
      events: [event('e-0'), event('e-1'), event('e-2', 'u-1', { quantity: 2 }), event('bad id')],
    };

    const result = await ingest({ body, caller: TRUSTED, correlationId: 'req-1' }, pipeline.ingestDeps);

    expect(result).toMatchObject({
      kind: 'unavailable',
      accepted: [
        { index: 0, eventId: 'e-0' },
        { index: 2, eventId: 'e-2' },
      ],
      failed: [{ index: 1, eventId: 'e-1' }],
      rejected: [{ index: 3, eventId: 'bad id' }],
    });
    expect(result.kind === 'unavailable' && result.retryAfterSeconds).toBeGreaterThan(0);
    expect((await pipeline.metrics.read(60_000)).ingest.streamWriteFailures).toBe(1);

    pipeline.stream.faults.clear();
    const resent = await ingest({ body, caller: TRUSTED, correlationId: 'req-2' }, pipeline.ingestDeps);
    expect(resent.kind).toBe('accepted');
    await pipeline.processAll();
    const range = dayRange(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    if (!range.ok) throw new Error('bad range');
    const counters = await pipeline.store.readDailyCounters('u-1', range.value);
    expect(counters.map((c) => [c.summary.count, c.summary.quantityMicros])).toEqual([[3, 4_000_000n]]);
  });

  it('gives up within the retry budget when the stream is unavailable', async () => {
    const pipeline = memoryPipeline();
    pipeline.stream.faults.unavailable(true);
    const started = pipeline.clock.now();

    const result = await ingest(
      { body: event('e-1'), caller: TRUSTED, correlationId: 'r' },
      pipeline.ingestDeps,
    );

    expect(result).toMatchObject({
      kind: 'unavailable',
      accepted: [],
      failed: [{ index: 0, eventId: 'e-1' }],
    });
    expect(pipeline.clock.now() - started).toBeLessThanOrEqual(pipeline.ingestDeps.retryPolicy.budgetMs);
    expect(await pipeline.metrics.read(60_000)).toMatchObject({
      ingest: { accepted: 0, streamWriteFailures: 1, streamWriteRetries: 4 },
    });
  });
});
