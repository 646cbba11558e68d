import { getActivityHistory, historyBody, ingest, MAX_TYPES_PER_HISTORY } from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline, TRUSTED, userCaller } from '../testing/memory-pipeline.js';

/** Events around the turn of 2020 (ISO week 53) and the 2020 leap day, stored through the pipeline. */
const seeded = async (): Promise<MemoryPipeline> => {
  const pipeline = memoryPipeline();
  const at = (eventId: string, occurredAt: string, type = 'track.played', quantity = 1) => ({
    eventId,
    userId: 'u-1',
    type,
    occurredAt,
    quantity,
  });
  const events = [
    at('leap', '2020-02-29T23:59:59.999Z', 'page.read', 2),
    at('mon', '2020-12-28T00:00:00Z'),
    at('eve', '2020-12-31T23:30:00-01:00', 'track.played', 0.5), // 2021-01-01T00:30Z
    at('sun', '2021-01-03T12:00:00Z', 'page.read', 4),
    at('next', '2021-01-04T00:00:00Z', 'run_km', 10.25),
  ];
  await ingest({ body: { events }, caller: TRUSTED, correlationId: 'seed' }, pipeline.ingestDeps);
  await pipeline.processAll();
  return pipeline;
};

const read = async (
  pipeline: MemoryPipeline,
  parameters: Record<string, string>,
  caller = userCaller('u-1'),
) => {
  const result = await getActivityHistory('u-1', parameters, caller, pipeline.historyDeps);
  return result.ok ? historyBody(result.value) : result.error;
};

describe('getActivityHistory over the memory adapters', () => {
  it('buckets by day, ISO week, month and year, each bucket at the start of its period', async () => {
    const pipeline = await seeded();
    const range = { from: '2020-12-29', to: '2021-01-05' };
    const starts = async (granularity: string) => {
      const body = await read(pipeline, { ...range, granularity });
      return 'buckets' in body ? body.buckets.map((b) => [b.start, b.count, b.quantity]) : body;
    };

    expect(await starts('day')).toEqual([
      ['2021-01-01T00:00:00Z', 1, 0.5],
      ['2021-01-03T00:00:00Z', 1, 4],
      ['2021-01-04T00:00:00Z', 1, 10.25],
    ]);
    // The Monday of ISO week 53 of 2020 is before `from`, and the week holds only days of the range.
    expect(await starts('week')).toEqual([
      ['2020-12-28T00:00:00Z', 2, 4.5],
      ['2021-01-04T00:00:00Z', 1, 10.25],
    ]);
    expect(await starts('month')).toEqual([['2021-01-01T00:00:00Z', 3, 14.75]]);
    expect(await starts('year')).toEqual([['2021-01-01T00:00:00Z', 3, 14.75]]);
    expect(await starts('total')).toEqual([['2020-12-29T00:00:00Z', 3, 14.75]]);
  });

  it('answers totals by type, and keeps only the requested types', async () => {
    const pipeline = await seeded();

    const all = await read(pipeline, { from: '2020-01-01', to: '2022-01-01' });
    const filtered = await read(pipeline, { from: '2020-01-01', to: '2022-01-01', type: 'page.read,run_km' });

    expect(all).toMatchObject({
      totals: {
        count: 5,
        quantity: 17.75,
        byType: {
          'page.read': { count: 2, quantity: 6 },
          run_km: { count: 1, quantity: 10.25 },
          'track.played': { count: 2, quantity: 1.5 },
        },
      },
    });
    expect('totals' in filtered && filtered.totals).toEqual({
      count: 3,
      quantity: 16.25,
      quantityMicros: '16250000',
      byType: {
        'page.read': { count: 2, quantity: 6, quantityMicros: '6000000' },
        run_km: { count: 1, quantity: 10.25, quantityMicros: '10250000' },
      },
    });
  });

  it('counts the leap day in February and nothing for a user without events', async () => {
    const pipeline = await seeded();

    const february = await read(pipeline, { from: '2020-02-01', to: '2020-03-01', granularity: 'month' });
    const stranger = await getActivityHistory('u-2', { from: '2020-01-01' }, TRUSTED, pipeline.historyDeps);

    expect('totals' in february && february.totals.count).toBe(1);
    expect(stranger.ok && historyBody(stranger.value)).toMatchObject({
      totals: { count: 0, quantity: 0, byType: {} },
      buckets: [],
    });
  });

  it("refuses another user's history without the admin scope, and grants it with", async () => {
    const pipeline = await seeded();

    const refused = await getActivityHistory('u-1', {}, userCaller('u-2'), pipeline.historyDeps);
    const granted = await getActivityHistory(
      'u-1',
      { from: '2020-01-01', to: '2022-01-01' },
      TRUSTED,
      pipeline.historyDeps,
    );

    expect(refused).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(granted.ok && granted.value.totals.count).toBe(5);
  });

  it.each([
    [{ granularity: 'hour' }, ['granularity']],
    [{ from: '2021-01-05', to: '2021-01-05' }, ['from']],
    [{ from: '2021-02-30' }, ['from']],
    [{ from: '2021-01-01T12:00:00Z' }, ['from']],
    [{ from: '2000-01-01', to: '2030-01-01', granularity: 'day' }, ['granularity']],
    [{ type: 'Track' }, ['type']],
    [{ granularity: 'hour', to: 'soon' }, ['to', 'granularity']],
  ])('rejects %j naming %j', async (parameters, paths) => {
    const pipeline = memoryPipeline();

    const result = await getActivityHistory('u-1', parameters, userCaller('u-1'), pipeline.historyDeps);

    expect(result.ok).toBe(false);
    expect(
      !result.ok && result.error.kind === 'invalid_parameter' && result.error.errors.map((e) => e.path),
    ).toEqual(paths);
  });

  it('rejects a user id that breaks the contract', async () => {
    const pipeline = memoryPipeline();

    const result = await getActivityHistory('has/slash', {}, TRUSTED, pipeline.historyDeps);

    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'invalid_parameter', errors: [{ path: 'userId' }] },
    });
  });

  it('counts types named like Object.prototype members as ordinary types', async () => {
    const pipeline = memoryPipeline();
    const events = ['constructor', 'tostring', 'valueof', 'constructor'].map((type, i) => ({
      eventId: `p-${i}`,
      userId: 'u-1',
      type,
      occurredAt: '2021-01-04T10:00:00Z',
      quantity: 2,
    }));
    await ingest({ body: { events }, caller: TRUSTED, correlationId: 'proto' }, pipeline.ingestDeps);
    await pipeline.processAll();

    const body = await read(pipeline, { from: '2021-01-01', to: '2021-02-01' });

    expect('totals' in body && body.totals).toEqual({
      count: 4,
      quantity: 8,
      quantityMicros: '8000000',
      byType: {
        constructor: { count: 2, quantity: 4, quantityMicros: '4000000' },
        tostring: { count: 1, quantity: 2, quantityMicros: '2000000' },
        valueof: { count: 1, quantity: 2, quantityMicros: '2000000' },
      },
    });
    expect('totals' in body && Object.getPrototypeOf(body.totals.byType)).toBe(Object.prototype);
  });

  it('refuses an unknown parameter, naming it', async () => {
    const pipeline = await seeded();

    const refused = await read(pipeline, { granulrity: 'day' });

    expect(refused).toEqual({
      kind: 'invalid_parameter',
      errors: [
        { path: 'granulrity', message: expect.stringContaining('unknown query parameter "granulrity"') },
      ],
    });
  });

  describe('a history of many types', () => {
    /** A user with one event of each of `types` types, on one day. */
    const withTypes = async (types: number): Promise<MemoryPipeline> => {
      const pipeline = memoryPipeline();
      const events = Array.from({ length: types }, (_, i) => ({
        eventId: `t-${i}`,
        userId: 'u-1',
        type: `type-${i}`,
        occurredAt: '2021-01-04T10:00:00Z',
      }));
      for (let i = 0; i < events.length; i += 500) {
        const batch = events.slice(i, i + 500);
        await ingest(
          { body: { events: batch }, caller: TRUSTED, correlationId: 'many' },
          pipeline.ingestDeps,
        );
      }
      await pipeline.processAll();
      return pipeline;
    };
    const range = { from: '2021-01-01', to: '2021-02-01' };

    it(`lists ${MAX_TYPES_PER_HISTORY} types`, async () => {
      const pipeline = await withTypes(MAX_TYPES_PER_HISTORY);

      const body = await read(pipeline, range);

      expect('totals' in body && Object.keys(body.totals.byType)).toHaveLength(MAX_TYPES_PER_HISTORY);
    });

    it(`refuses ${MAX_TYPES_PER_HISTORY + 1} types with too_many_types, and answers once filtered by type`, async () => {
      const pipeline = await withTypes(MAX_TYPES_PER_HISTORY + 1);

      const refused = await read(pipeline, range);
      const filtered = await read(pipeline, { ...range, type: 'type-0,type-1000' });

      expect(refused).toEqual({
        kind: 'too_many_types',
        types: 1001,
        message: expect.stringContaining('type'),
      });
      expect('totals' in filtered && filtered.totals).toMatchObject({ count: 2, quantityMicros: '2000000' });
    });
  });
});
