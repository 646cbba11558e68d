import {
  type ActivityEvent,
  type DayRange,
  dayRange,
  EventStoreError,
  type IncomingRecord,
  type MetricSample,
  type PositionedEvent,
  processBatch,
  type StreamEnvelope,
} from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline } from '../testing/memory-pipeline.js';

const ALL = ((): DayRange => {
  const r = dayRange(Date.UTC(2000, 0, 1), Date.UTC(2031, 0, 1));
  if (!r.ok) throw new Error('bad range');
  return r.value;
})();

const event = (eventId: string, userId = 'u-1', overrides: Partial<ActivityEvent> = {}): ActivityEvent => ({
  eventId,
  userId,
  type: 'track.played',
  occurredAt: '2026-03-01T12:00:00.000Z',
  quantity: 1,
  attributes: {},
  ...overrides,
});

const envelope = (e: ActivityEvent): StreamEnvelope => ({
  v: 1,
  event: e,
  correlationId: `c-${e.eventId}`,
  receivedAt: '2026-03-01T12:00:01Z',
});

const text = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** Every record of a one-shard stream, in order. */
const batch = (pipeline: MemoryPipeline): IncomingRecord[] =>
  pipeline.stream.read('shardId-000000000000', { limit: 1000 }) as IncomingRecord[];

describe('processBatch over the memory adapters', () => {
  it('sets aside an event the store refuses for its own content as unstorable, and stores the rest of the batch', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    pipeline.store.faults.refuseEvents((e) =>
      e.eventId === 'e-odd' ? 'Item size has exceeded the maximum allowed size' : null,
    );
    await pipeline.stream.publish([
      envelope(event('e-1')),
      envelope(event('e-odd')),
      envelope(event('e-2', 'u-2')),
    ]);
    const records = batch(pipeline);

    const report = await processBatch(records, pipeline.processDeps);

    expect(report.retry).toEqual([]);
    expect(report.stored).toBe(2);
    expect(report.quarantined).toEqual({ invalid_event: 0, conflict: 0, malformed_record: 0, unstorable: 1 });
    expect(report.records.map((r) => [r.eventId, r.outcome, r.reason])).toEqual([
      ['e-1', 'stored', null],
      ['e-odd', 'quarantined', 'unstorable'],
      ['e-2', 'stored', null],
    ]);
    const [kept] = await pipeline.store.readQuarantine('u-1', 20);
    expect(kept?.reason).toBe('unstorable');
    expect(kept?.errors).toEqual([
      { path: '', message: 'the store refused this event: Item size has exceeded the maximum allowed size' },
    ]);
    expect(kept?.recordId).toBe(records[1]!.recordId);
  });

  it('reports what became of every record, and records the figures of the batch, none of them empty', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish([envelope(event('e-1')), envelope(event('e-2', 'u-bad'))]);
    await processBatch(batch(pipeline), pipeline.processDeps);
    await pipeline.stream.publish([
      envelope(event('e-1')),
      envelope(event('e-1', 'u-1', { quantity: 5 })),
      envelope(event('e-3', 'u-bad')),
    ]);
    const records = batch(pipeline).slice(2);
    const samples: MetricSample[] = [];
    const store = {
      ...pipeline.store,
      append: (events: readonly PositionedEvent[]) =>
        events.some((e) => e.event.userId === 'u-bad')
          ? Promise.reject(new EventStoreError('throttled', 'ProvisionedThroughputExceeded'))
          : pipeline.store.append(events),
    };

    const report = await processBatch(records, {
      ...pipeline.processDeps,
      store,
      metrics: { record: (sample) => samples.push(sample), flush: async () => {} },
    });

    expect(report.records.map((r) => [r.eventId, r.outcome, r.reason])).toEqual([
      ['e-1', 'duplicate', null],
      ['e-1', 'quarantined', 'conflict'],
      ['e-3', 'retry', null],
    ]);
    const [conflict] = await pipeline.store.readQuarantine('u-1', 1);
    expect(conflict?.errors).toEqual([
      {
        path: 'eventId',
        message: 'event e-1 was stored before with different content; the first version stands',
      },
    ]);
    expect(samples.map((s) => s.kind).sort()).toEqual([
      'duplicates',
      'rejected',
      'retriedRecords',
      'storeFailures',
      'streamLag',
    ]);
    expect(samples).toContainEqual({ kind: 'duplicates', count: 1 });
    expect(samples).toContainEqual({ kind: 'rejected', stage: 'process', reason: 'conflict', count: 1 });
    expect(samples).toContainEqual({ kind: 'retriedRecords', count: 1 });
  });

  it('retries quarantined records too when the quarantine write fails, and records no figures for an empty batch', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    pipeline.stream.appendRaw('u-1', text('{"not":"an event"'));
    const records = batch(pipeline);
    const store = {
      ...pipeline.store,
      quarantine: () => Promise.reject(new EventStoreError('throttled', 'slow down')),
    };
    const samples: MetricSample[] = [];
    const metrics = { record: (sample: MetricSample) => samples.push(sample), flush: async () => {} };

    const report = await processBatch(records, { ...pipeline.processDeps, store, metrics });
    expect(report.records.map((r) => r.outcome)).toEqual(['retry']);
    expect(report.retry).toEqual([records[0]!.recordId]);

    samples.length = 0;
    await processBatch([], { ...pipeline.processDeps, metrics });
    expect(samples).toEqual([]);
  });

  it('retries the records of a store that breaks its contract with too few outcomes, counting none of them', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish([envelope(event('e-1')), envelope(event('e-2'))]);
    const records = batch(pipeline);
    const store = { ...pipeline.store, append: async () => [{ kind: 'new' as const }] };

    const report = await processBatch(records, { ...pipeline.processDeps, store });

    expect(report.retry).toEqual(records.map((r) => r.recordId));
    expect(report.stored).toBe(0);
    expect(report.failures).toEqual(['failed: the store gave 1 outcomes for 2 events']);
  });

  it('retries, never quarantines, what the store refuses when it refuses every write (systemic)', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    pipeline.store.faults.refuseEvents(() => 'One of the required keys was not given a value');
    const store = {
      ...pipeline.store,
      quarantine: () =>
        Promise.reject(new EventStoreError('failed', 'One of the required keys was not given a value')),
    };
    await pipeline.stream.publish([envelope(event('e-1')), envelope(event('e-2', 'u-2'))]);
    const records = batch(pipeline);

    const report = await processBatch(records, { ...pipeline.processDeps, store });

    expect(report.retry).toEqual(records.map((r) => r.recordId));
    expect(report.quarantined.unstorable).toBe(0);
    expect(report.failures).toEqual(['failed: One of the required keys was not given a value']);
  });

  it('stores valid events, quarantines invalid, malformed and conflicting records with reasons, retries nothing', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish([envelope(event('e-1')), envelope(event('e-2', 'u-1', { quantity: 2.5 }))]);
    const invalid = pipeline.stream.appendRaw('u-1', text({ ...event('e-3'), quantity: -1 }));
    const malformed = pipeline.stream.appendRaw('u-7', text('{"not":"an event"'));
    await pipeline.stream.publish([envelope(event('e-1', 'u-1', { type: 'page.read' }))]);
    const records = batch(pipeline);

    const report = await processBatch(records, pipeline.processDeps);

    expect(report.retry).toEqual([]);
    expect(report.stored).toBe(2);
    expect(report.quarantined).toEqual({ invalid_event: 1, conflict: 1, malformed_record: 1, unstorable: 0 });
    expect(report.records.map((r) => [r.outcome, r.reason])).toEqual([
      ['stored', null],
      ['stored', null],
      ['quarantined', 'invalid_event'],
      ['quarantined', 'malformed_record'],
      ['quarantined', 'conflict'],
    ]);
    expect((await pipeline.store.readEvents('u-1', ALL)).map((e) => e.eventId).sort()).toEqual([
      'e-1',
      'e-2',
    ]);
    const quarantined = await pipeline.store.readQuarantine('u-1', 20);
    expect(quarantined.map((q) => [q.reason, q.eventId, q.recordId])).toEqual(
      expect.arrayContaining([
        ['invalid_event', 'e-3', invalid.recordId],
        ['conflict', 'e-1', records[4]!.recordId],
      ]),
    );
    expect(quarantined.find((q) => q.reason === 'conflict')?.correlationId).toBe('c-e-1');
    expect((await pipeline.store.readQuarantine('u-7', 20)).map((q) => [q.reason, q.recordId])).toEqual([
      ['malformed_record', malformed.recordId],
    ]);
    expect(quarantined.find((q) => q.reason === 'invalid_event')?.errors.map((e) => e.path)).toEqual([
      'quantity',
    ]);
  });

  it('attributes a malformed record to the user named by its partition key', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    const record = pipeline.stream.appendRaw('u-7', new Uint8Array([0xff, 0xfe]));

    await processBatch([record], pipeline.processDeps);

    const [entry] = await pipeline.store.readQuarantine('u-7', 20);
    expect(entry).toMatchObject({
      userId: 'u-7',
      reason: 'malformed_record',
      recordId: record.recordId,
      eventId: null,
    });
    expect((await pipeline.metrics.read(60_000)).rejections.malformed_record).toBe(1);
  });

  it('returns exactly the records of the user whose store write failed retryably, in batch order', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => envelope(event(id, i % 2 === 0 ? 'u-ok' : 'u-bad'))),
    );
    const records = batch(pipeline);
    const store = pipeline.store;
    const failing = {
      ...pipeline.processDeps,
      store: {
        ...store,
        append: (events: readonly PositionedEvent[]) =>
          events.some((e) => e.event.userId === 'u-bad')
            ? Promise.reject(new EventStoreError('throttled', 'ProvisionedThroughputExceeded'))
            : store.append(events),
      },
    };

    const report = await processBatch(records, failing);

    expect(report.retry).toEqual([records[1]!.recordId, records[3]!.recordId, records[5]!.recordId]);
    expect(report.stored).toBe(3);
    expect(report.failures).toHaveLength(1);
    expect((await store.readEvents('u-ok', ALL)).map((e) => e.eventId).sort()).toEqual(['a', 'c', 'e']);
    expect(await store.readEvents('u-bad', ALL)).toEqual([]);
    const figures = await pipeline.metrics.read(60_000);
    expect(figures.store.throttled).toBe(1);
    expect(figures.stream.retriedRecords).toBe(3);
  });

  it('retries the records of a crashed append, and their redelivery leaves events and counters exact', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish([
      envelope(event('a')),
      envelope(event('b')),
      envelope(event('c', 'u-1', { quantity: 3 })),
    ]);
    const records = batch(pipeline);
    pipeline.store.faults.crashAfterWrites(2);

    const crashed = await processBatch(records, pipeline.processDeps);
    const redelivered = await processBatch(records, pipeline.processDeps);

    expect(crashed.retry).toEqual(records.map((r) => r.recordId));
    expect(crashed.failures[0]).toMatch(/^unavailable: /);
    expect(redelivered).toMatchObject({ retry: [], stored: 1, duplicates: 2 });
    const [counter] = await pipeline.store.readDailyCounters('u-1', ALL);
    expect(counter?.summary).toMatchObject({ count: 3, quantityMicros: 5_000_000n });
  });

  it('retries records whose quarantine could not be written', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    const record = pipeline.stream.appendRaw('u-1', text('nope'));
    pipeline.store.faults.throttle(1);

    const first = await processBatch([record], pipeline.processDeps);
    const second = await processBatch([record], pipeline.processDeps);

    expect(first.retry).toEqual([record.recordId]);
    expect(second.retry).toEqual([]);
    expect(await pipeline.store.readQuarantine('u-1', 20)).toHaveLength(1);
  });

  it('counts a redelivered batch once and keeps one quarantine entry per record', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish([envelope(event('a')), envelope(event('a', 'u-1', { quantity: 9 }))]);
    const records = batch(pipeline);

    await processBatch(records, pipeline.processDeps);
    const again = await processBatch(records, pipeline.processDeps);

    expect(again).toMatchObject({ stored: 0, duplicates: 1, quarantined: { conflict: 1 } });
    expect(await pipeline.store.readQuarantine('u-1', 20)).toHaveLength(1);
    const [counter] = await pipeline.store.readDailyCounters('u-1', ALL);
    expect(counter?.summary.count).toBe(1);
    expect((await pipeline.metrics.read(60_000)).process).toEqual({ stored: 1, duplicates: 1 });
  });

  it('records the lag of the oldest record of the batch', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish([envelope(event('a'))]);
    pipeline.clock.advance(4_000);
    await pipeline.stream.publish([envelope(event('b'))]);
    pipeline.clock.advance(1_000);

    await processBatch(batch(pipeline), pipeline.processDeps);

    expect((await pipeline.metrics.read(60_000)).stream.latestLagMs).toBe(5_000);
  });

  it('stores the users of a 500-record batch all at once, and a larger batch in waves of 500 users', async () => {
    const pipeline = memoryPipeline({ shardCount: 1 });
    await pipeline.stream.publish(Array.from({ length: 600 }, (_, i) => envelope(event(`e-${i}`, `u-${i}`))));
    let inFlight = 0;
    let most = 0;
    const store = {
      ...pipeline.store,
      append: async (events: readonly PositionedEvent[]) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return pipeline.store.append(events);
      },
    };

    const report = await processBatch(batch(pipeline), { ...pipeline.processDeps, store });

    expect(report.stored).toBe(600);
    expect(most).toBe(500);
  });
});
