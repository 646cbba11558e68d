import {
  ADMIN_SCOPE,
  type Caller,
  type EventLogSearch,
  type EventLogSearchRequest,
  type EventTrace,
  ingest,
  traceEvent,
} from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { type MemoryPipeline, memoryPipeline, TRUSTED, userCaller } from '../testing/memory-pipeline.js';

const ADMIN: Caller = { subject: 'ops-1', scopes: new Set([ADMIN_SCOPE]) };

const played = (eventId: string, overrides: Record<string, unknown> = {}) => ({
  eventId,
  userId: 'u-1',
  type: 'track.played',
  // A Thursday: its week starts on Monday 2029-05-28, in another month than the event.
  occurredAt: '2029-05-31T23:30:00-01:00',
  quantity: 2,
  ...overrides,
});

const send = async (pipeline: MemoryPipeline, correlationId: string, events: readonly unknown[]) => {
  await ingest({ body: { events }, caller: TRUSTED, correlationId }, pipeline.ingestDeps);
  await pipeline.processAll();
};

/** A log search that says what it was asked, so a test sees the correlation ids it got. */
const recordingLogs = (): EventLogSearch & { readonly asked: EventLogSearchRequest[] } => {
  const asked: EventLogSearchRequest[] = [];
  return {
    asked,
    forEvent: (request) => {
      asked.push(request);
      return { query: `search ${request.correlationIds.join(' ')}`, url: 'https://logs.example/q' };
    },
  };
};

const trace = async (
  pipeline: MemoryPipeline,
  eventId: string,
  options: { readonly caller?: Caller; readonly logs?: EventLogSearch | null; readonly userId?: string } = {},
): Promise<EventTrace> => {
  const result = await traceEvent(options.userId ?? 'u-1', eventId, options.caller ?? ADMIN, {
    store: pipeline.store,
    logs: options.logs ?? null,
  });
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
};

describe('traceEvent over the memory adapters', () => {
  it('shows a stored event: its version, UTC day, buckets, and a counter that agrees', async () => {
    const pipeline = memoryPipeline();
    await send(pipeline, 'req-1', [played('e-1'), played('e-2', { quantity: 0.5 })]);

    const found = await trace(pipeline, 'e-1');

    expect(found).toEqual({
      userId: 'u-1',
      eventId: 'e-1',
      stored: {
        event: {
          eventId: 'e-1',
          userId: 'u-1',
          type: 'track.played',
          occurredAt: '2029-06-01T00:30:00.000Z',
          quantity: 2,
          attributes: {},
        },
        day: '2029-06-01',
        buckets: {
          day: '2029-06-01T00:00:00Z',
          week: '2029-05-28T00:00:00Z',
          month: '2029-06-01T00:00:00Z',
          year: '2029-01-01T00:00:00Z',
        },
      },
      quarantined: [],
      counter: {
        day: '2029-06-01',
        agrees: true,
        counter: { count: 2, quantity: 2.5, quantityMicros: '2500000' },
        events: { count: 2, quantity: 2.5, quantityMicros: '2500000' },
      },
      logs: null,
    });
    // The trace is its own wire form.
    expect(JSON.parse(JSON.stringify(found))).toEqual(found);
  });

  it('shows a key that was never stored as null, with nothing quarantined', async () => {
    const pipeline = memoryPipeline();
    await send(pipeline, 'req-1', [played('e-1')]);

    expect(await trace(pipeline, 'e-404')).toEqual({
      userId: 'u-1',
      eventId: 'e-404',
      stored: null,
      quarantined: [],
      counter: null,
      logs: null,
    });
    // Another user's key of the same id is not this user's.
    expect((await trace(pipeline, 'e-1', { userId: 'u-2' })).stored).toBeNull();
  });

  it('shows an invalid arrival that never counted: not stored, quarantined with its errors', async () => {
    const pipeline = memoryPipeline();
    // Written to the stream directly, as a producer may: the processor validates and quarantines it.
    const envelope = {
      v: 1,
      event: played('e-bad', { quantity: -1 }),
      correlationId: 'req-bad',
      receivedAt: '2029-12-31T00:00:00Z',
    };
    pipeline.stream.appendRaw('u-1', new TextEncoder().encode(JSON.stringify(envelope)));
    await pipeline.processAll();

    const found = await trace(pipeline, 'e-bad');

    expect(found.stored).toBeNull();
    expect(found.counter).toBeNull();
    expect(found.quarantined).toEqual([
      expect.objectContaining({
        reason: 'invalid_event',
        errors: [expect.objectContaining({ path: 'quantity' })],
        at: '2030-01-01T00:00:00Z',
        correlationId: 'req-bad',
      }),
    ]);
  });

  it('shows a conflicting resend: the stored version stands, every conflicting arrival newest first', async () => {
    const pipeline = memoryPipeline();
    const logs = recordingLogs();
    await send(pipeline, 'req-1', [played('e-1')]);
    await send(pipeline, 'req-2', [played('e-1', { quantity: 5 })]);
    pipeline.clock.advance(1_000);
    await send(pipeline, 'req-3', [played('e-1', { quantity: 7 })]);
    // A resend of the stored content is a duplicate: counted once, never quarantined.
    await send(pipeline, 'req-4', [played('e-1')]);

    const found = await trace(pipeline, 'e-1', { logs });

    expect(found.stored?.event.quantity).toBe(2);
    expect(found.quarantined.map((q) => [q.reason, q.correlationId, q.at])).toEqual([
      ['conflict', 'req-3', '2030-01-01T00:00:01Z'],
      ['conflict', 'req-2', '2030-01-01T00:00:00Z'],
    ]);
    expect(found.quarantined[0]?.errors[0]).toMatchObject({ path: 'eventId' });
    expect(JSON.parse(found.quarantined[0]?.payload ?? '')).toMatchObject({ eventId: 'e-1', quantity: 7 });
    expect(found.counter).toMatchObject({ agrees: true, events: { count: 1, quantity: 2 } });
    expect(logs.asked).toEqual([{ userId: 'u-1', eventId: 'e-1', correlationIds: ['req-3', 'req-2'] }]);
    expect(found.logs).toEqual({ query: 'search req-3 req-2', url: 'https://logs.example/q' });
  });

  it("says when the stored event's user-day counter disagrees with the day's stored events", async () => {
    const pipeline = memoryPipeline();
    await send(pipeline, 'req-1', [played('e-1'), played('e-2')]);
    await pipeline.store.tamperCounter('u-1', '2029-06-01', null);

    const found = await trace(pipeline, 'e-1');

    expect(found.counter).toEqual({
      day: '2029-06-01',
      agrees: false,
      counter: null,
      events: { count: 2, quantity: 4, quantityMicros: '4000000' },
    });
  });

  it.each([
    ['a user, even for their own event', userCaller('u-1')],
    ['an ingest-only producer', { subject: null, scopes: new Set(['activity/ingest']) }],
  ])('refuses %s before looking at the ids: a trace needs the admin scope', async (_, caller) => {
    const pipeline = memoryPipeline();

    const result = await traceEvent('u#1', 'e 1', caller, { store: pipeline.store, logs: null });

    expect(result).toEqual({
      ok: false,
      error: { kind: 'forbidden', message: `an event trace needs the scope ${ADMIN_SCOPE}` },
    });
  });

  it('refuses a bad userId, a bad eventId and any query parameter, naming each', async () => {
    const pipeline = memoryPipeline();

    const result = await traceEvent(
      'u#1',
      'e.1',
      ADMIN,
      { store: pipeline.store, logs: null },
      { from: 'x' },
    );

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('invalid_parameter');
    if (result.error.kind !== 'invalid_parameter') return;
    expect(result.error.errors.map((e) => e.path)).toEqual(['userId', 'eventId', 'from']);
    expect(result.error.errors[2]?.message).toMatch(/unknown query parameter "from"/);
    for (const eventId of ['', 'e'.repeat(65)]) {
      const refused = await traceEvent('u-1', eventId, ADMIN, { store: pipeline.store, logs: null });
      expect(refused).toMatchObject({ ok: false, error: { errors: [{ path: 'eventId' }] } });
    }
  });
});
