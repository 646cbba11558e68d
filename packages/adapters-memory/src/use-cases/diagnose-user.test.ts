import {
  type CheckId,
  type DayRange,
  type Diagnosis,
  dayRange,
  diagnoseUser,
  ingest,
} from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline, TRUSTED } from './memory-pipeline.js';

const WINDOW = ((): DayRange => {
  const r = dayRange(Date.UTC(2029, 0, 1), Date.UTC(2030, 0, 2));
  if (!r.ok) throw new Error('bad range');
  return r.value;
})();

const event = (eventId: string, userId = 'u-1', quantity = 1) => ({
  eventId,
  userId,
  type: 'track.played',
  occurredAt: '2029-06-01T10:00:00Z',
  quantity,
});

const send = (pipeline: MemoryPipeline, events: readonly unknown[]) =>
  ingest({ body: { events }, caller: TRUSTED, correlationId: 'req' }, pipeline.ingestDeps);

/** A pipeline where u-1 has three stored events, everything processed. */
const healthy = async () => {
  const pipeline = memoryPipeline();
  await send(pipeline, [event('a'), event('b', 'u-1', 2), event('c', 'u-2')]);
  await pipeline.processAll();
  return pipeline;
};

const diagnose = (pipeline: MemoryPipeline, userId = 'u-1') =>
  diagnoseUser(userId, WINDOW, pipeline.diagnosisDeps);

const check = (diagnosis: Diagnosis, id: CheckId) => {
  const found = diagnosis.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
};

const statuses = (diagnosis: Diagnosis) => Object.fromEntries(diagnosis.checks.map((c) => [c.id, c.status]));

describe('diagnoseUser over the memory adapters', () => {
  it('finds a healthy pipeline healthy, answering every check with what is stored', async () => {
    const pipeline = await healthy();

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ userId: 'u-1', verdict: 'healthy', suspect: null });
    expect(diagnosis.checks.map((c) => c.id)).toEqual([
      'api',
      'query',
      'store',
      'counters',
      'processor',
      'stream',
      'ingest',
    ]);
    expect(new Set(Object.values(statuses(diagnosis)))).toEqual(new Set(['ok']));
    expect(check(diagnosis, 'api').data).toMatchObject({
      totals: { count: 2, quantity: 3, quantityMicros: '3000000' },
    });
    expect(check(diagnosis, 'store').data).toMatchObject({ events: 2, counterDays: 1 });
    expect(check(diagnosis, 'processor').data).toMatchObject({ stored: 3, recentQuarantined: [] });
  });

  it('names the store while its writes are throttled', async () => {
    const pipeline = await healthy();
    pipeline.store.faults.throttle('always');
    await send(pipeline, [event('d')]);
    await pipeline.processAll(3);

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'store' });
    expect(check(diagnosis, 'store').data).toMatchObject({ requests: { throttled: 3 } });
    expect(check(diagnosis, 'store').summary).toMatch(/3 throttled/);
  });

  it('names the processor when its invocations fail', async () => {
    const pipeline = await healthy();
    // What the process function reports when an invocation throws.
    for (let i = 0; i < 4; i++) {
      pipeline.metrics.record({
        kind: 'invocation',
        stage: 'process',
        outcome: i === 0 ? 'ok' : 'error',
        durationMs: 30,
      });
    }

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'processor' });
    expect(check(diagnosis, 'processor').data).toMatchObject({ invocations: 4, errors: 3 });
  });

  it('names the processor when it has to quarantine most of what it reads', async () => {
    const pipeline = await healthy();
    for (let i = 0; i < 12; i++) pipeline.stream.appendRaw('u-1', new TextEncoder().encode(`garbage ${i}`));
    await pipeline.processAll();

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'processor' });
    expect(check(diagnosis, 'processor').data).toMatchObject({ rejections: { malformed_record: 12 } });
  });

  it('names the counters when they drift from the stored events', async () => {
    const pipeline = await healthy();
    await pipeline.store.tamperCounter('u-1', '2029-06-01', null);

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'counters' });
    expect(check(diagnosis, 'counters').data).toMatchObject({
      driftDays: 1,
      drift: [
        { day: '2029-06-01', counter: null, events: { count: 2, quantity: 3, quantityMicros: '3000000' } },
      ],
    });
    expect(check(diagnosis, 'api').status).toBe('ok');
  });

  it('names ingest when the stream refuses its writes after retries', async () => {
    const pipeline = await healthy();
    pipeline.stream.faults.refuse(1);

    const result = await send(pipeline, [event('d')]);
    const diagnosis = await diagnose(pipeline);

    expect(result.kind).toBe('unavailable');
    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'ingest' });
    expect(check(diagnosis, 'ingest').data).toMatchObject({ streamWriteFailures: 1, streamWriteRetries: 4 });
  });

  it('names the stream when processing lags far behind', async () => {
    const pipeline = memoryPipeline();
    await send(pipeline, [event('a')]);
    pipeline.clock.advance(120_000);
    await pipeline.processAll();

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'stream' });
    expect(check(diagnosis, 'stream').data).toMatchObject({ latestLagMs: 120_000 });
  });

  it('names the query function when its invocations fail', async () => {
    const pipeline = await healthy();
    // What the query function reports when an invocation throws.
    pipeline.metrics.record({ kind: 'invocation', stage: 'query', outcome: 'error', durationMs: 5 });
    pipeline.metrics.record({ kind: 'invocation', stage: 'query', outcome: 'ok', durationMs: 5 });

    const diagnosis = await diagnose(pipeline);

    expect(diagnosis).toMatchObject({ verdict: 'failing', suspect: 'query' });
    expect(check(diagnosis, 'query').data).toMatchObject({ invocations: 2, errors: 1 });
  });

  it("lists the user's quarantined records newest first with their reason codes, whatever their age", async () => {
    const pipeline = await healthy();
    pipeline.stream.appendRaw('u-1', new TextEncoder().encode('not json'));
    await pipeline.processAll();
    pipeline.clock.advance(3_600_000);
    await send(pipeline, [{ ...event('a'), quantity: 5 }]);
    await pipeline.processAll();
    pipeline.clock.advance(1_000);
    pipeline.stream.appendRaw(
      'u-1',
      new TextEncoder().encode(JSON.stringify({ ...event('z'), type: 'BAD' })),
    );
    await pipeline.processAll();

    const diagnosis = await diagnose(pipeline);

    const recent = check(diagnosis, 'processor').data.recentQuarantined as {
      reason: string;
      eventId: string | null;
    }[];
    expect(recent.map((r) => [r.reason, r.eventId])).toEqual([
      ['invalid_event', 'z'],
      ['conflict', 'a'],
      ['malformed_record', null],
    ]);
    expect(check(diagnosis, 'processor').summary).toMatch(/latest quarantined record: invalid_event/);
    expect(
      (await diagnose(pipeline, 'u-2')).checks.find((c) => c.id === 'processor')?.data.recentQuarantined,
    ).toEqual([]);
  });
});
