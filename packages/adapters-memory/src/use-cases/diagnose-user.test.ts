import {
  type CheckId,
  type CheckOf,
  type CounterDriftDay,
  type DayRange,
  type Diagnosis,
  dayRange,
  diagnoseUser,
  diagnosisCheck,
  ingest,
  type UnreadableCheckData,
} from '@activity-history/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline, TRUSTED } from '../testing/memory-pipeline.js';

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

const check = <Id extends CheckId>(diagnosis: Diagnosis, id: Id): CheckOf<Id> => {
  const found = diagnosisCheck(diagnosis, id);
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
    // The API answers from the counters, so it differs from the stored events too; the counters
    // are named, being closer to the cause.
    expect(check(diagnosis, 'api')).toMatchObject({
      status: 'fail',
      data: { where: 'in process', status: 200, storedTotals: { count: expect.any(Number) } },
    });
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

    const recent = check(diagnosis, 'processor').data.recentQuarantined;
    expect(recent?.map((r) => [r.reason, r.eventId])).toEqual([
      ['invalid_event', 'z'],
      ['conflict', 'a'],
      ['malformed_record', null],
    ]);
    expect(check(diagnosis, 'processor').summary).toMatch(/latest quarantined record: invalid_event/);
    expect(check(await diagnose(pipeline, 'u-2'), 'processor').data.recentQuarantined).toEqual([]);
  });

  it('answers every check when its backends cannot be read, each saying why', async () => {
    const pipeline = await healthy();
    const down = (what: string) => () => Promise.reject(new Error(`${what} down`));
    // A proxy keeps the store's own methods bound to it; only the reads named here fail.
    const store = new Proxy(pipeline.store, {
      get: (target, name) =>
        name === 'readEvents' || name === 'readQuarantine'
          ? down(String(name))
          : Reflect.get(target, name, target),
    });

    const diagnosis = await diagnoseUser('u-1', WINDOW, {
      ...pipeline.diagnosisDeps,
      store,
      metrics: { read: down('metrics') },
      api: { where: 'in process', readTotals: down('api') },
    });

    expect(diagnosis.verdict).toBe('failing');
    expect(check(diagnosis, 'api')).toMatchObject({ status: 'fail', data: { error: 'api down' } });
    expect(check(diagnosis, 'store')).toMatchObject({ status: 'fail', data: { error: 'readEvents down' } });
    expect(check(diagnosis, 'counters')).toMatchObject({
      status: 'warn',
      data: { error: 'readEvents down' },
    });
    for (const id of ['query', 'stream', 'ingest'] as const)
      expect(check(diagnosis, id).data).toEqual({ error: 'metrics down' });
    expect(check(diagnosis, 'processor').data).toEqual({
      error: 'metrics down',
      recentQuarantined: null,
      quarantineError: 'readQuarantine down',
    });
  });

  it('is its own JSON body: nothing changes through JSON.stringify, healthy or not', async () => {
    const pipeline = await healthy();
    pipeline.stream.appendRaw('u-1', new TextEncoder().encode('not json'));
    await pipeline.processAll();
    await pipeline.store.tamperCounter('u-1', '2029-06-01', null);
    const failing = await diagnoseUser('u-1', WINDOW, {
      ...pipeline.diagnosisDeps,
      metrics: { read: () => Promise.reject(new Error('metrics down')) },
    });

    for (const diagnosis of [await diagnose(pipeline), failing])
      expect(JSON.parse(JSON.stringify(diagnosis))).toEqual(diagnosis);
  });

  it("narrows a check's data by its id", async () => {
    const diagnosis = await diagnose(await healthy());

    const counters = diagnosis.checks.find((c) => c.id === 'counters');

    expectTypeOf(counters!.data).toEqualTypeOf<
      { readonly driftDays: number; readonly drift: readonly CounterDriftDay[] } | UnreadableCheckData
    >();
    expect(counters?.data).toEqual({ driftDays: 0, drift: [] });
  });
});
