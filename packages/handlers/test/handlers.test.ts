import { type DailyCounter, EventStoreError, type Tally, userIdError } from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { createProcessHandler } from '../src/index.js';
import {
  claimsOf,
  getEventTrace,
  getUserRoute,
  httpApiEvent,
  kinesisEvent,
  postActivities,
} from './support/aws-events.js';
import { memoryPipeline, NOW } from './support/memory-pipeline.js';
import {
  expectDiagnosis,
  expectDocumented,
  expectEventTrace,
  expectHealth,
} from './support/openapi-conformance.js';

const event = (overrides: Record<string, unknown> = {}) => ({
  eventId: 'e-1',
  userId: 'u-1',
  type: 'track.played',
  occurredAt: '2026-03-02T10:00:00+01:00',
  quantity: 3.5,
  attributes: { mood: 'secret-mood-value' },
  ...overrides,
});
const ADMIN = claimsOf('ops-1', ['activity/admin']);
const context = { awsRequestId: 'lambda-request-1' };

describe('the ingest handler (POST /activities)', () => {
  it('answers 202 with the accepted events, and writes envelopes carrying the request id as correlation id', async () => {
    const { handlers, stream } = memoryPipeline();
    const response = await handlers.ingest(postActivities(event(), { requestId: 'req-abc' }), context);
    const body = expectDocumented('POST /activities', response);
    expect(response.statusCode).toBe(202);
    expect(body).toEqual({ accepted: [{ index: 0, eventId: 'e-1' }], rejected: [] });
    const [record] = stream.read(stream.shardOf('u-1'), { limit: 10 });
    expect(record?.partitionKey).toBe('u-1');
    expect(JSON.parse(Buffer.from(record!.data).toString())).toMatchObject({
      v: 1,
      correlationId: 'req-abc',
    });
  });

  it('accepts the valid events of a batch and rejects the others with their index and errors', async () => {
    const { handlers } = memoryPipeline();
    const batch = {
      events: [event(), event({ eventId: 'e-2', quantiy: 1 }), event({ eventId: 'e-3', quantity: 0 })],
    };
    const response = await handlers.ingest(postActivities(batch, { base64: false }));
    const body = expectDocumented('POST /activities', response);
    expect(response.statusCode).toBe(202);
    expect(body.accepted).toEqual([{ index: 0, eventId: 'e-1' }]);
    expect(body.rejected).toMatchObject([
      { index: 1, eventId: 'e-2', errors: [{ path: 'quantiy' }] },
      { index: 2, eventId: 'e-3', errors: [{ path: 'quantity' }] },
    ]);
  });

  it.each([
    ['not JSON', '{"eventId":', 'invalid_json'],
    ['not an object', '[1,2]', 'invalid_body'],
    ['an empty events array', { events: [] }, 'invalid_body'],
    ['events that is not an array', { events: {} }, 'invalid_body'],
    ['more than 500 events', { events: Array.from({ length: 501 }, () => event()) }, 'invalid_body'],
    ['a field beside events', { events: [event()], extra: 1 }, 'invalid_body'],
    ['no valid event', { events: [event({ occurredAt: 'yesterday' })] }, 'invalid_events'],
  ])('answers 400 for a body that is %s', async (_, body, code) => {
    const { handlers } = memoryPipeline();
    const response = await handlers.ingest(postActivities(body));
    const parsed = expectDocumented('POST /activities', response);
    expect(response.statusCode).toBe(400);
    expect(parsed.error).toMatchObject({ code });
  });

  it('lists the rejected events in a 400 when none is valid', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.ingest(postActivities(event({ type: 'Track Played' })));
    expect(expectDocumented('POST /activities', response).rejected).toMatchObject([
      { index: 0, eventId: 'e-1', errors: [{ path: 'type' }] },
    ]);
  });

  it('refuses the whole request with 403 when one event is for another user, unless the token has activity/ingest', async () => {
    const { handlers, stream } = memoryPipeline();
    const batch = { events: [event(), event({ eventId: 'e-2', userId: 'u-2' })] };
    const refused = await handlers.ingest(postActivities(batch));
    expect(refused.statusCode).toBe(403);
    expect(expectDocumented('POST /activities', refused).error).toMatchObject({ code: 'forbidden' });
    expect(stream.read(stream.shardOf('u-1'), { limit: 10 })).toEqual([]);
    const producer = await handlers.ingest(
      postActivities(batch, { claims: claimsOf('producer', ['activity/ingest']) }),
    );
    expect(producer.statusCode).toBe(202);
  });

  it('answers 415 for another content type and 413 for a body over 1 MiB, before looking at it', async () => {
    const { handlers } = memoryPipeline();
    const text = await handlers.ingest(
      postActivities(event(), { headers: { 'content-TYPE': 'text/plain' } }),
    );
    expect(text.statusCode).toBe(415);
    expectDocumented('POST /activities', text);
    const big = await handlers.ingest(postActivities({ events: [event()], pad: 'x'.repeat(1024 * 1024) }));
    expect(big.statusCode).toBe(413);
    expectDocumented('POST /activities', big);
  });

  it('answers 503 with Retry-After, listing accepted and failed, when the stream refuses records after retries', async () => {
    const { handlers, stream } = memoryPipeline();
    stream.faults.refuse((envelope) => envelope.event.eventId === 'e-2');
    const response = await handlers.ingest(postActivities({ events: [event(), event({ eventId: 'e-2' })] }));
    const body = expectDocumented('POST /activities', response);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(body).toMatchObject({
      accepted: [{ index: 0, eventId: 'e-1' }],
      failed: [{ index: 1, eventId: 'e-2' }],
    });
  });
});

describe('every HTTP handler fails closed', () => {
  it('answers 401 to an event without authorizer claims', async () => {
    const { handlers } = memoryPipeline();
    const responses = [
      await handlers.ingest(postActivities(event(), { claims: null })),
      await handlers.query(getUserRoute('activity', 'u-1', { claims: null })),
      await handlers.diagnose(getUserRoute('diagnosis', 'u-1', { claims: null })),
      await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health', claims: null })),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 401, 401]);
    expect(JSON.parse(responses[0]!.body).error.code).toBe('unauthorized');
  });
});

describe('the process handler (Kinesis)', () => {
  it('stores what ingest wrote, so the query sees it, and logs the correlation ids in the batch summary', async () => {
    const { handlers, processPending, logs } = memoryPipeline();
    await handlers.ingest(
      postActivities({ events: [event(), event({ eventId: 'e-2', quantity: 1 })] }, { requestId: 'corr-1' }),
    );
    expect(await processPending()).toEqual([]);
    const response = await handlers.query(getUserRoute('activity', 'u-1'));
    const body = expectDocumented('GET /users/{userId}/activity', response);
    expect(body.totals).toEqual({
      count: 2,
      quantity: 4.5,
      quantityMicros: '4500000',
      byType: { 'track.played': { count: 2, quantity: 4.5, quantityMicros: '4500000' } },
    });
    expect(logs.entries).toContainEqual(
      expect.objectContaining({ stage: 'process', correlationIds: ['corr-1'], stored: 2, users: 1 }),
    );
    expect(logs.entries).toContainEqual(
      expect.objectContaining({ stage: 'ingest', correlationId: 'corr-1', userIds: ['u-1'] }),
    );
  });

  it('quarantines poison records (not JSON, not an event, invalid, oversize) and never returns them as failures', async () => {
    const { handlers, processPending, stream } = memoryPipeline();
    stream.appendRaw('u-1', Buffer.from('not json at all'));
    stream.appendRaw('u-1', Buffer.from('{"hello":"world"}'));
    stream.appendRaw('u-1', Buffer.from(JSON.stringify(event({ eventId: 'bad', quantity: -1 }))));
    // A schema-valid event cannot reach 8 KiB; whitespace around it can, and size is measured on the bytes.
    stream.appendRaw('u-1', Buffer.from(`${JSON.stringify(event({ eventId: 'big' }))}${' '.repeat(9000)}`));
    stream.appendRaw('u-1', Buffer.from(JSON.stringify(event({ eventId: 'good' }))));
    expect(await processPending()).toEqual([]);
    const diagnosis = await handlers.diagnose(getUserRoute('diagnosis', 'u-1', { claims: ADMIN }));
    const processor = expectDiagnosis(diagnosis).checks.find((c) => c.id === 'processor');
    const quarantined = processor?.data.recentQuarantined ?? [];
    expect(quarantined.flatMap((q) => q.errors.map((e) => e.message)).join(' ')).toMatch(/bytes|KiB|size/i);
    expect(quarantined.map((q) => q.reason).sort()).toEqual([
      'invalid_event',
      'invalid_event',
      'malformed_record',
      'malformed_record',
    ]);
    const history = expectDocumented(
      'GET /users/{userId}/activity',
      await handlers.query(getUserRoute('activity', 'u-1')),
    );
    expect(history.totals).toMatchObject({ count: 1 });
  });

  it('returns batchItemFailures only for the records whose store write failed for a retryable reason', async () => {
    const { handlers, memoryStore } = memoryPipeline();
    const data = (e: Record<string, unknown>) => Buffer.from(JSON.stringify(e));
    const batch = kinesisEvent([
      { data: data(event()), partitionKey: 'u-1', sequenceNumber: '100', arrivedAt: NOW - 1500 },
      { data: 'garbage', partitionKey: 'u-2', sequenceNumber: '101', arrivedAt: NOW - 1000 },
    ]);
    memoryStore.faults.throttle(1);
    const result = await handlers.process(batch, context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(await handlers.process(batch, context)).toEqual({ batchItemFailures: [] });
  });

  it('hands back records whose store write failed for any store reason: they are not poison', async () => {
    const { handlers, logs } = memoryPipeline({
      wrapStore: (store) => ({
        ...store,
        append: async () => {
          throw new EventStoreError('failed', 'ValidationException: item too large');
        },
      }),
    });
    const batch = kinesisEvent([
      { data: JSON.stringify(event()), partitionKey: 'u-1', sequenceNumber: '7', arrivedAt: NOW },
    ]);
    expect(await handlers.process(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(logs.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', recordId: '7', userId: 'u-1' }),
    );
  });

  it('rethrows an unexpected fault, after logging and counting it, so that Lambda retries the batch', async () => {
    const { memoryStore, metrics, logs } = memoryPipeline();
    const brokenClock = {
      now: (): number => {
        throw new RangeError('clock broke');
      },
      sleep: async () => {},
    };
    const handler = createProcessHandler({
      store: memoryStore,
      clock: brokenClock,
      metrics,
      logger: logs.logger,
    });
    const batch = kinesisEvent([
      { data: JSON.stringify(event()), partitionKey: 'u-1', sequenceNumber: '8', arrivedAt: NOW },
    ]);
    await expect(handler(batch)).rejects.toThrow('clock broke');
    expect(logs.entries).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'the batch failed' }),
    );
    expect(metrics.samples().map((s) => s.sample)).toContainEqual(
      expect.objectContaining({ kind: 'invocation', stage: 'process', outcome: 'error' }),
    );
  });
});

describe('the query handler (GET /users/{userId}/activity)', () => {
  it('answers zeros, not 404, for a user with no events', async () => {
    const { handlers } = memoryPipeline();
    const body = expectDocumented(
      'GET /users/{userId}/activity',
      await handlers.query(getUserRoute('activity', 'u-9', { claims: claimsOf('u-9') })),
    );
    expect(body).toMatchObject({
      userId: 'u-9',
      from: '2026-01-01T00:00:00Z',
      to: '2026-03-03T00:00:00Z',
      totals: { count: 0 },
    });
  });

  it('lets a caller read only its own history unless its token has activity/admin', async () => {
    const { handlers } = memoryPipeline();
    const other = await handlers.query(getUserRoute('activity', 'u-2'));
    expect(other.statusCode).toBe(403);
    expectDocumented('GET /users/{userId}/activity', other);
    expect((await handlers.query(getUserRoute('activity', 'u-2', { claims: ADMIN }))).statusCode).toBe(200);
  });

  it.each([
    [{ from: '2026-13-01' }, 'from'],
    [{ to: 'tomorrow' }, 'to'],
    [{ granularity: 'hour' }, 'granularity'],
    [{ type: 'Track Played' }, 'type'],
    [{ from: '2026-03-01', to: '2026-02-01' }, 'from'],
    [{ from: '2000-01-01', to: '2026-01-01', granularity: 'day' }, 'granularity'],
    [{ granulrity: 'day' }, 'unknown query parameter "granulrity"'],
  ])('answers 400 naming the parameter for %o', async (query, name) => {
    const { handlers } = memoryPipeline();
    const response = await handlers.query(getUserRoute('activity', 'u-1', { query }));
    const body = expectDocumented('GET /users/{userId}/activity', response);
    expect(response.statusCode).toBe(400);
    expect((body.error as { message: string }).message).toContain(name);
    expect(body.errors).toContainEqual(expect.objectContaining({ path: name.replace(/^.*"(.*)"$/, '$1') }));
  });

  describe('a history of many types', () => {
    /** One day whose counter holds `types` types, each counted once, and a store that returns it. */
    const manyTypes = (types: number) => {
      const byType = new Map<string, Tally>(
        Array.from({ length: types }, (_, i) => [`t-${i}`, { count: 1, quantityMicros: 1_000_000n }]),
      );
      const counter: DailyCounter = {
        day: '2026-03-01',
        summary: { count: types, quantityMicros: BigInt(types) * 1_000_000n, byType },
      };
      return memoryPipeline({
        wrapStore: (store) => ({ ...store, readDailyCounters: async () => [counter] }),
      }).handlers;
    };

    it('lists 1,000 types', async () => {
      const response = await manyTypes(1000).query(getUserRoute('activity', 'u-1'));
      const body = expectDocumented('GET /users/{userId}/activity', response);
      expect(response.statusCode).toBe(200);
      expect(Object.keys((body.totals as { byType: object }).byType)).toHaveLength(1000);
    });

    it('answers 400 too_many_types for 1,001 types, asking for a type filter', async () => {
      const response = await manyTypes(1001).query(getUserRoute('activity', 'u-1'));
      const body = expectDocumented('GET /users/{userId}/activity', response);
      expect(response.statusCode).toBe(400);
      expect(body.error).toEqual({ code: 'too_many_types', message: expect.stringContaining('type') });
    });

    it('answers a type filter of those 1,001 types', async () => {
      const response = await manyTypes(1001).query(
        getUserRoute('activity', 'u-1', { query: { type: 't-7,t-1000' } }),
      );
      const body = expectDocumented('GET /users/{userId}/activity', response);
      expect(response.statusCode).toBe(200);
      expect(body.totals).toMatchObject({ count: 2, quantity: 2, quantityMicros: '2000000' });
    });
  });

  it('answers 400 naming userId for a path user that breaks the rule', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.query(getUserRoute('activity', 'a b', { claims: ADMIN }));
    expect(response.statusCode).toBe(400);
    expect(expectDocumented('GET /users/{userId}/activity', response).errors).toMatchObject([
      { path: 'userId' },
    ]);
  });

  it('answers 503 with Retry-After when the store is unavailable, and 500 without internals for a fault', async () => {
    const failing = (error: Error) =>
      memoryPipeline({
        wrapStore: (store) => ({ ...store, readDailyCounters: async () => Promise.reject(error) }),
      });
    const outage = await failing(
      new EventStoreError('unavailable', 'connect ECONNREFUSED 127.0.0.1:8000'),
    ).handlers.query(getUserRoute('activity', 'u-1'));
    expect(outage.statusCode).toBe(503);
    expect(outage.headers['retry-after']).toBe('1');
    expectDocumented('GET /users/{userId}/activity', outage);
    const { handlers, logs } = failing(new TypeError('secret internal detail'));
    const fault = await handlers.query(getUserRoute('activity', 'u-1'));
    expect(fault.statusCode).toBe(500);
    expect(fault.body).not.toContain('secret internal detail');
    expectDocumented('GET /users/{userId}/activity', fault);
    expect(logs.text()).toContain('secret internal detail');
  });

  it("quotes API Gateway's request id in a 5xx body as requestId, the correlationId of the request's log lines", async () => {
    const { handlers, logs } = memoryPipeline({
      wrapStore: (store) => ({
        ...store,
        readDailyCounters: async () => Promise.reject(new TypeError('boom')),
      }),
    });
    const fault = await handlers.query(
      getUserRoute('activity', 'u-1', { requestId: 'gateway-request-7' }),
      context,
    );
    expect(JSON.parse(fault.body)).toMatchObject({ requestId: 'gateway-request-7' });
    expect(logs.entries.find((e) => e.message === 'the request failed')).toMatchObject({
      correlationId: 'gateway-request-7',
      lambdaRequestId: 'lambda-request-1',
    });
  });
});

describe('the diagnose handler', () => {
  it('answers a diagnosis with every check of the contract to an admin, 403 to others', async () => {
    const { handlers } = memoryPipeline();
    const refused = await handlers.diagnose(getUserRoute('diagnosis', 'u-1'));
    expect(refused.statusCode).toBe(403);
    expectDocumented('GET /users/{userId}/diagnosis', refused);
    const response = await handlers.diagnose(
      getUserRoute('diagnosis', 'u-1', { claims: ADMIN, query: { from: '2026-03-01' } }),
    );
    const body = expectDiagnosis(response);
    expect(body.window).toEqual({ from: '2026-03-01T00:00:00Z', to: '2026-03-03T00:00:00Z' });
    expect(body.checks.map((c) => c.id)).toEqual([
      'api',
      'query',
      'store',
      'counters',
      'processor',
      'stream',
      'ingest',
    ]);
  });

  it('answers 400 naming the parameter', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(
      getUserRoute('diagnosis', 'u-1', { claims: ADMIN, query: { to: '2026-02-30' } }),
    );
    expect(response.statusCode).toBe(400);
    expect(expectDocumented('GET /users/{userId}/diagnosis', response).errors).toMatchObject([
      { path: 'to' },
    ]);
  });

  it('answers 400 naming an unknown parameter', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(
      getUserRoute('diagnosis', 'u-1', { claims: ADMIN, query: { granularity: 'day' } }),
    );
    const body = expectDocumented('GET /users/{userId}/diagnosis', response);
    expect(response.statusCode).toBe(400);
    expect(body.error).toMatchObject({
      message: expect.stringContaining('unknown query parameter "granularity"'),
    });
    expect(body.errors).toMatchObject([{ path: 'granularity' }]);
  });

  it('shows exact sums as strings in the API check, and counts a type named constructor', async () => {
    const { handlers, processPending } = memoryPipeline();
    await handlers.ingest(postActivities(event({ type: 'constructor' })));
    await processPending();
    const response = await handlers.diagnose(getUserRoute('diagnosis', 'u-1', { claims: ADMIN }));
    const { checks } = expectDiagnosis(response);
    const api = checks.find((c) => c.id === 'api');
    const store = checks.find((c) => c.id === 'store');
    expect(api?.status).toBe('ok');
    expect(api?.data).toMatchObject({
      totals: {
        count: 1,
        quantity: 3.5,
        quantityMicros: '3500000',
        byType: { constructor: { count: 1, quantity: 3.5, quantityMicros: '3500000' } },
      },
    });
    expect(store?.data).toMatchObject({ eventsByType: { constructor: 1 } });
  });

  it('serves GET /health with 200 and the invocations each stage recorded', async () => {
    const { handlers } = memoryPipeline();
    await handlers.ingest(postActivities(event()));
    await handlers.query(getUserRoute('activity', 'u-1'));
    const response = await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health' }));
    const body = expectHealth(response);
    expect(body.figures?.stages.ingest.invocations).toBe(1);
    expect(body.figures?.stages.query.invocations).toBe(1);
    expect(body.stages?.ingest.data.invocations).toBe(1);
  });

  it('serves GET /health with 200, degraded and no stage judged, when the metrics cannot be read', async () => {
    const { handlers } = memoryPipeline({
      metricsReader: { read: () => Promise.reject(new Error('metrics backend down')) },
    });
    const response = await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health' }));
    expect(expectHealth(response)).toEqual({
      status: 'degraded',
      window: { from: '2026-03-02T11:59:00Z', to: '2026-03-02T12:00:00Z' },
      summary: 'the pipeline metrics could not be read, so no stage can be judged',
      stages: null,
      figures: null,
    });
  });

  it('refuses a diagnosis to a caller without the admin scope, before looking at the userId', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(
      getUserRoute('diagnosis', 'a#b', { claims: claimsOf('a#b', ['activity/ingest']) }),
    );
    expect(response.statusCode).toBe(403);
    expect(expectDocumented('GET /users/{userId}/diagnosis', response).error).toEqual({
      code: 'forbidden',
      message: 'a diagnosis needs the scope activity/admin',
    });
  });

  it('answers 400 for a bad userId with the message of every userId refusal', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(getUserRoute('diagnosis', 'a#b', { claims: ADMIN }));
    expect(response.statusCode).toBe(400);
    expect(expectDocumented('GET /users/{userId}/diagnosis', response).errors).toEqual([userIdError('a#b')]);
  });
});

describe('every HTTP handler answers a method it does not serve', () => {
  it.each([
    ['ingest', 'PUT', '/activities', 'POST'],
    ['ingest', 'GET', '/activities', 'POST'],
    ['query', 'POST', '/users/{userId}/activity', 'GET'],
    ['query', 'DELETE', '/users/{userId}/activity', 'GET'],
    ['diagnose', 'PATCH', '/users/{userId}/diagnosis', 'GET'],
    ['diagnose', 'PUT', '/health', 'GET'],
  ] as const)('%s: %s %s is 405 with Allow: %s, before any token check', async (fn, method, path, allow) => {
    const { handlers } = memoryPipeline();
    const rawPath = path.replace('{userId}', 'u-1');
    for (const claims of [claimsOf('u-1'), null]) {
      const response = await handlers[fn](
        httpApiEvent({
          method,
          path: rawPath,
          routeKey: `ANY ${path}`,
          pathParameters: { userId: 'u-1' },
          claims,
        }),
      );
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(expectDocumented(`${method} ${path}`, response).error).toEqual({
        code: 'method_not_allowed',
        message: expect.stringContaining(allow),
      });
    }
  });
});

describe('the logs', () => {
  it('carry request ids and never the token or attribute values', async () => {
    const { handlers, processPending, logs } = memoryPipeline();
    await handlers.ingest(postActivities(event()), context);
    await processPending();
    await handlers.query(getUserRoute('activity', 'u-1'), context);
    expect(
      logs.entries.filter((e) => e.stage === 'ingest').every((e) => e.lambdaRequestId === 'lambda-request-1'),
    ).toBe(true);
    expect(logs.text()).not.toContain('secret-mood-value');
    expect(logs.text()).not.toContain('eyJraWQi');
  });
});

describe('the diagnose handler: GET /users/{userId}/events/{eventId}', () => {
  it('traces a conflicting resend to an admin: the stored version, its buckets, the quarantined arrival', async () => {
    const { handlers, processPending } = memoryPipeline();
    await handlers.ingest(postActivities(event(), { requestId: 'req-first' }));
    await processPending();
    await handlers.ingest(postActivities(event({ quantity: 9 }), { requestId: 'req-resend' }));
    await processPending();

    const trace = expectEventTrace(await handlers.diagnose(getEventTrace('u-1', 'e-1', { claims: ADMIN })));

    expect(trace.stored).toEqual({
      event: {
        eventId: 'e-1',
        userId: 'u-1',
        type: 'track.played',
        occurredAt: '2026-03-02T09:00:00.000Z',
        quantity: 3.5,
        attributes: { mood: 'secret-mood-value' },
      },
      day: '2026-03-02',
      buckets: {
        day: '2026-03-02T00:00:00Z',
        week: '2026-03-02T00:00:00Z',
        month: '2026-03-01T00:00:00Z',
        year: '2026-01-01T00:00:00Z',
      },
    });
    expect(trace.quarantined).toMatchObject([
      {
        reason: 'conflict',
        correlationId: 'req-resend',
        at: '2026-03-02T12:00:00Z',
        errors: [{ path: 'eventId' }],
      },
    ]);
    expect(JSON.parse(trace.quarantined[0]!.payload)).toMatchObject({ quantity: 9 });
    expect(trace.counter).toMatchObject({ day: '2026-03-02', agrees: true, events: { count: 1 } });
    // No log backend in this composition (as in local mode).
    expect(trace.logs).toBeNull();
  });

  it('answers 200 with stored: null for a key never seen, not 404', async () => {
    const { handlers } = memoryPipeline();
    const trace = expectEventTrace(await handlers.diagnose(getEventTrace('u-1', 'nope', { claims: ADMIN })));
    expect(trace).toMatchObject({ stored: null, quarantined: [], counter: null, logs: null });
  });

  it('adds the log search the composition binds, with the correlation ids of the arrivals', async () => {
    const asked: unknown[] = [];
    const { handlers, processPending } = memoryPipeline({
      eventLogs: {
        forEvent: (request) => {
          asked.push(request);
          return { query: 'fields @message', url: 'https://console.example/logs' };
        },
      },
    });
    await handlers.ingest(postActivities(event(), { requestId: 'req-first' }));
    await handlers.ingest(postActivities(event({ quantity: 1 }), { requestId: 'req-resend' }));
    await processPending();

    const trace = expectEventTrace(await handlers.diagnose(getEventTrace('u-1', 'e-1', { claims: ADMIN })));

    expect(trace.logs).toEqual({ query: 'fields @message', url: 'https://console.example/logs' });
    expect(asked).toEqual([{ userId: 'u-1', eventId: 'e-1', correlationIds: ['req-resend'] }]);
  });

  it('refuses a caller without the admin scope with 403, before looking at the ids', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(getEventTrace('a#b', 'e.1', { claims: claimsOf('a#b') }));
    expect(response.statusCode).toBe(403);
    expect(expectDocumented('GET /users/{userId}/events/{eventId}', response).error).toEqual({
      code: 'forbidden',
      message: 'an event trace needs the scope activity/admin',
    });
  });

  it('answers 400 naming a bad userId, a bad eventId and any query parameter', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(
      getEventTrace('a#b', 'e.1', { claims: ADMIN, query: { from: '2026-01-01' } }),
    );
    expect(response.statusCode).toBe(400);
    const body = expectDocumented('GET /users/{userId}/events/{eventId}', response);
    expect(body.errors).toMatchObject([{ path: 'userId' }, { path: 'eventId' }, { path: 'from' }]);
  });

  it('reads the ids from the raw path when the event has no path parameters ($default route)', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(
      httpApiEvent({ method: 'GET', path: '/users/u%40x.io/events/e-1', claims: ADMIN }),
    );
    expect(expectEventTrace(response)).toMatchObject({ userId: 'u@x.io', eventId: 'e-1' });
  });

  it('answers 405 with Allow: GET to another method', async () => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(
      httpApiEvent({
        method: 'DELETE',
        path: '/users/u-1/events/e-1',
        routeKey: 'ANY /users/{userId}/events/{eventId}',
      }),
    );
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET');
    expectDocumented('DELETE /users/{userId}/events/{eventId}', response);
  });

  it('answers 503 with Retry-After when the store cannot be read', async () => {
    const { handlers } = memoryPipeline({
      wrapStore: (store) => ({
        ...store,
        readEvent: () => Promise.reject(new EventStoreError('throttled', 'slow down')),
      }),
    });
    const response = await handlers.diagnose(getEventTrace('u-1', 'e-1', { claims: ADMIN }));
    expect(response.statusCode).toBe(503);
    expectDocumented('GET /users/{userId}/events/{eventId}', response);
  });
});
