import { createLogger } from '@activity-history/handlers';
import { type LocalPipeline, startLocalPipeline } from '@activity-history/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHealth } from '../../src/api-client.js';
import {
  eventsOf,
  postEvents,
  quarantineReasons,
  readDiagnosis,
  readTotals,
  readTrace,
  yesterdayAt,
} from './support/api-client.js';

const silent = createLogger({ level: 'silent' });
const VISIBLE_WITHIN = { timeout: 5_000, interval: 50 };

describe('local mode on the memory backend, through HTTP only', () => {
  let pipeline: LocalPipeline;
  let url: string;
  beforeAll(async () => {
    pipeline = await startLocalPipeline({ backend: 'memory', port: 0, logger: silent });
    url = pipeline.url;
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('makes posted events visible in GET within 5 s', async () => {
    const events = eventsOf('u-visible', 120);

    const posted = await postEvents(url, events);

    expect(posted.status).toBe(202);
    await expect
      .poll(() => readTotals(url, 'u-visible'), VISIBLE_WITHIN)
      .toEqual({
        count: 120,
        quantity: 240,
        quantityMicros: '240000000',
        byType: { 'track.played': { count: 120, quantity: 240, quantityMicros: '240000000' } },
      });
  });

  it('counts an event sent several times once', async () => {
    const [first, second] = eventsOf('u-dup', 2);

    await postEvents(url, [first, first, second]);
    await postEvents(url, [first, second]);
    await postEvents(url, [{ ...first!, occurredAt: first!.occurredAt.replace('Z', '+00:00') }]);

    await expect
      .poll(() => readTotals(url, 'u-dup'), VISIBLE_WITHIN)
      .toMatchObject({ count: 2, quantity: 4 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readTotals(url, 'u-dup')).toMatchObject({ count: 2, quantity: 4 });
  });

  it('keeps the first version of a conflicting event and shows the conflict in the diagnosis', async () => {
    const [original] = eventsOf('u-conflict', 1);
    await postEvents(url, [original]);
    await expect.poll(() => readTotals(url, 'u-conflict'), VISIBLE_WITHIN).toMatchObject({ count: 1 });

    const resent = await postEvents(url, [{ ...original!, quantity: 50 }]);

    expect(resent.status).toBe(202);
    await expect.poll(() => quarantineReasons(url, 'u-conflict'), VISIBLE_WITHIN).toEqual(['conflict']);
    expect(await readTotals(url, 'u-conflict')).toMatchObject({ count: 1, quantity: 2 });
  });

  it('traces a conflicting resend: both versions, which one stands, and a counter that agrees', async () => {
    const [original] = eventsOf('u-trace', 1);
    await postEvents(url, [original]);
    await expect.poll(() => readTotals(url, 'u-trace'), VISIBLE_WITHIN).toMatchObject({ count: 1 });
    await postEvents(url, [{ ...original!, quantity: 50 }]);
    await expect
      .poll(async () => (await readTrace(url, 'u-trace', 'e-0')).quarantined.length, VISIBLE_WITHIN)
      .toBe(1);

    const trace = await readTrace(url, 'u-trace', 'e-0');

    const day = original!.occurredAt.slice(0, 10);
    expect(trace.stored).toMatchObject({
      event: { eventId: 'e-0', userId: 'u-trace', quantity: 2, occurredAt: `${day}T10:00:00.000Z` },
      day,
      buckets: { day: `${day}T00:00:00Z`, year: `${day.slice(0, 4)}-01-01T00:00:00Z` },
    });
    expect(trace.quarantined).toMatchObject([{ reason: 'conflict', errors: [{ path: 'eventId' }] }]);
    expect(JSON.parse(trace.quarantined[0]!.payload)).toMatchObject({ eventId: 'e-0', quantity: 50 });
    expect(trace.quarantined[0]!.correlationId).toEqual(expect.any(String));
    expect(trace.counter).toEqual({
      day,
      agrees: true,
      counter: { count: 1, quantity: 2, quantityMicros: '2000000' },
      events: { count: 1, quantity: 2, quantityMicros: '2000000' },
    });
    // Local mode has no log groups to search.
    expect(trace.logs).toBeNull();
    expect(await readTrace(url, 'u-trace', 'never-sent')).toEqual({
      userId: 'u-trace',
      eventId: 'never-sent',
      stored: null,
      quarantined: [],
      counter: null,
      logs: null,
    });
  });

  it('answers invalid events with their errors and shows invalid stream records in the diagnosis', async () => {
    const [valid] = eventsOf('u-invalid', 1);

    const posted = await postEvents(url, [valid, { ...valid!, eventId: 'e-9', quantiy: 3 }]);
    // A producer writing to the stream directly, past the API's validation.
    const stream = pipeline.backend.memory!.stream;
    stream.appendRaw(
      'u-invalid',
      new TextEncoder().encode(
        JSON.stringify({
          eventId: 'raw-1',
          userId: 'u-invalid',
          type: 'Bad Type',
          occurredAt: yesterdayAt(),
        }),
      ),
    );
    stream.appendRaw('u-invalid', new TextEncoder().encode('not json at all'));

    expect(posted.status).toBe(202);
    expect(posted.body?.rejected).toEqual([
      { index: 1, eventId: 'e-9', errors: [expect.objectContaining({ path: expect.any(String) })] },
    ]);
    await expect
      .poll(() => quarantineReasons(url, 'u-invalid'), VISIBLE_WITHIN)
      .toEqual(['malformed_record', 'invalid_event']);
    expect(await readTotals(url, 'u-invalid')).toMatchObject({ count: 1 });
    const diagnosis = await readDiagnosis(url, 'u-invalid');
    const processor = diagnosis.checks.find((check) => check.id === 'processor')!;
    expect(processor.summary).toContain('malformed_record');
  });

  it('serves /health, /openapi.json and the index, and 404s unknown routes with the contract body', async () => {
    const health = await fetch(`${url}/health`);
    const openapi = await fetch(`${url}/openapi.json`);
    const index = await fetch(`${url}/`);
    const unknown = await fetch(`${url}/users/u-1/everything`);

    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: expect.stringMatching(/healthy|degraded|failing/) });
    expect(openapi.status).toBe(200);
    expect(await openapi.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    expect(await index.json()).toMatchObject({ backend: 'memory' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('answers a known path asked with another method 405, with Allow and the contract body', async () => {
    const cases = [
      { method: 'PUT', path: '/activities', allow: 'POST' },
      { method: 'GET', path: '/activities', allow: 'POST' },
      { method: 'POST', path: '/users/u/activity', allow: 'GET' },
      { method: 'DELETE', path: '/users/u/diagnosis', allow: 'GET' },
      { method: 'PATCH', path: '/health', allow: 'GET' },
      { method: 'POST', path: '/openapi.json', allow: 'GET' },
    ];

    for (const { method, path, allow } of cases) {
      const response = await fetch(`${url}${path}`, { method });

      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(await response.json()).toEqual({
        error: { code: 'method_not_allowed', message: expect.stringContaining(allow) },
      });
    }
  });

  it('refuses an unknown query parameter with 400 naming it', async () => {
    const response = await fetch(`${url}/users/u-1/activity?granulrity=day`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'invalid_parameter',
        message: expect.stringContaining('unknown query parameter "granulrity"'),
      },
      errors: [{ path: 'granulrity', message: expect.any(String) }],
    });
  });

  it('hands the functions what API Gateway would: any header case, non-JSON bodies as base64, size limits', async () => {
    const [event] = eventsOf('u-edge', 1);
    const mixedCase = await fetch(`${url}/activities`, {
      method: 'POST',
      headers: { 'Content-TYPE': 'application/json; charset=UTF-8' },
      body: JSON.stringify(event),
    });
    const binary = await fetch(`${url}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0xff, 0x00, 0x01]),
    });
    const huge = await fetch(`${url}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"events":[${'"x",'.repeat(300_000)}"x"]}`,
    });

    expect(mixedCase.status).toBe(202);
    expect(binary.status).toBe(415);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('acts as the authorizer: the subject header and narrower scopes apply', async () => {
    const [own] = eventsOf('u-self', 1);
    const asSelf = { 'x-activity-subject': 'u-self', 'x-activity-scopes': '' };

    const ownWrite = await postEvents(url, [own], asSelf);
    const otherWrite = await postEvents(url, eventsOf('u-other', 1), asSelf);
    const otherRead = await fetch(`${url}/users/u-other/activity`, { headers: asSelf });
    const diagnosis = await fetch(`${url}/users/u-self/diagnosis`, { headers: asSelf });

    expect(ownWrite.status).toBe(202);
    expect(otherWrite.status).toBe(403);
    expect(otherRead.status).toBe(403);
    expect(diagnosis.status).toBe(403);
  });

  it('shows the traffic in /health figures', async () => {
    const health = await readHealth({ url, token: null });

    expect(health.ok && health.body.stages !== null).toBe(true);
    if (!health.ok || health.body.stages === null) return;
    expect(health.body.stages.ingest.data.invocations).toBeGreaterThan(0);
    expect(health.body.stages.process.data.invocations).toBeGreaterThan(0);
  });
});

describe('local mode with a token check', () => {
  it('refuses API requests without the bearer token and keeps /health open', async () => {
    const pipeline = await startLocalPipeline({
      backend: 'memory',
      port: 0,
      logger: silent,
      token: 's3cret',
    });
    try {
      const events = eventsOf('u-token', 1);

      const without = await postEvents(pipeline.url, events);
      const wrong = await postEvents(pipeline.url, events, { authorization: 'Bearer nope' });
      const right = await postEvents(pipeline.url, events, { authorization: 'Bearer s3cret' });
      const health = await fetch(`${pipeline.url}/health`);

      expect(without.status).toBe(401);
      expect(without.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect(wrong.status).toBe(401);
      expect(right.status).toBe(202);
      expect(health.status).toBe(200);
    } finally {
      await pipeline.close();
    }
  });

  it('stops taking requests once closed', async () => {
    const pipeline = await startLocalPipeline({ backend: 'memory', port: 0, logger: silent });

    await pipeline.close();

    await expect(fetch(`${pipeline.url}/health`)).rejects.toThrow();
  });
});
