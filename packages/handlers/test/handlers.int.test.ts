import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../src/composition/tokens.js';
import { ingestFunction } from '../src/functions/ingest.js';
import type { Handlers } from '../src/index.js';
import {
  claimsOf,
  getEventTrace,
  getUserRoute,
  httpApiEvent,
  kinesisEvent,
  postActivities,
} from './support/aws-events.js';
import { LOG_GROUP_NAMES, readStream, STREAM_NAME, startEmulators } from './support/emulators.js';
import { expectDiagnosis, expectDocumented, expectEventTrace } from './support/openapi-conformance.js';

/*
 * The Lambda entry points, from sources, on the emulators: each module builds its container from
 * the environment at import, exactly as in Lambda.
 */

const ADMIN = claimsOf('ops-1', ['activity/admin']);
const today = new Date().toISOString().slice(0, 10);
const event = (eventId: string, userId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  userId,
  type: 'page.read',
  occurredAt: `${today}T00:30:00Z`,
  ...extra,
});

let emulators: Awaited<ReturnType<typeof startEmulators>>;
let handlers: Handlers;
let seen = new Set<string>();

/** Delivers the records not yet processed to the process function, as one Kinesis event. */
const processNewRecords = async () => {
  const records = (await readStream(emulators.kinesisClient)).filter((r) => !seen.has(r.sequenceNumber));
  seen = new Set([...seen, ...records.map((r) => r.sequenceNumber)]);
  return { records, result: await handlers.process(kinesisEvent(records), { awsRequestId: 'proc-1' }) };
};

beforeAll(async () => {
  emulators = await startEmulators();
  const [ingest, process, query, diagnose] = await Promise.all([
    import('../src/lambda/ingest.js'),
    import('../src/lambda/process.js'),
    import('../src/lambda/query.js'),
    import('../src/lambda/diagnose.js'),
  ]);
  handlers = {
    ingest: ingest.handler,
    process: process.handler,
    query: query.handler,
    diagnose: diagnose.handler,
  };
});

afterAll(async () => {
  await emulators?.stop();
});

describe('the Lambda handlers on the emulators', () => {
  it('carry events from POST /activities through Kinesis and DynamoDB to GET activity, counted once', async () => {
    const body = {
      events: [event('a-1', 'u-1'), event('a-2', 'u-1', { quantity: 2.5 }), event('a-3', 'u-2')],
    };
    const posted = await handlers.ingest(
      postActivities(body, { claims: claimsOf('producer', ['activity/ingest']) }),
    );
    expect(posted.statusCode).toBe(202);
    expect(expectDocumented('POST /activities', posted).accepted).toHaveLength(3);
    // A resend is accepted again and counted once.
    await handlers.ingest(postActivities({ events: [event('a-1', 'u-1')] }));
    const { records, result } = await processNewRecords();
    expect(records).toHaveLength(4);
    expect(result).toEqual({ batchItemFailures: [] });
    const history = await handlers.query(getUserRoute('activity', 'u-1', { query: { granularity: 'day' } }));
    const read = expectDocumented('GET /users/{userId}/activity', history);
    expect(read.totals).toEqual({
      count: 2,
      quantity: 3.5,
      quantityMicros: '3500000',
      byType: { 'page.read': { count: 2, quantity: 3.5, quantityMicros: '3500000' } },
    });
    expect(read.buckets).toEqual([{ start: `${today}T00:00:00Z`, ...(read.totals as object) }]);
  });

  it('answers the contract errors at the edge: 401, 403, 413, 415, 400', async () => {
    const statuses = [
      await handlers.ingest(postActivities(event('b-1', 'u-1'), { claims: null })),
      await handlers.ingest(postActivities(event('b-1', 'u-2'))),
      await handlers.ingest(postActivities('x'.repeat(1024 * 1024 + 1))),
      await handlers.ingest(postActivities(event('b-1', 'u-1'), { headers: { 'Content-Type': 'text/csv' } })),
      await handlers.ingest(postActivities('{oops')),
      await handlers.query(getUserRoute('activity', 'u-1', { query: { granularity: 'hour' } })),
      await handlers.query(getUserRoute('activity', 'u-2')),
      await handlers.diagnose(getUserRoute('diagnosis', 'u-1')),
    ];
    for (const response of statuses.slice(0, 5)) expectDocumented('POST /activities', response);
    expect(statuses.map((r) => r.statusCode)).toEqual([401, 403, 413, 415, 400, 400, 403, 403]);
  });

  it('answers 503 with Retry-After when the stream does not exist, listing the failed events', async () => {
    const missing = ingestFunction({ ...process.env, ACTIVITY_STREAM_NAME: 'no-such-stream' }).get(
      TOKENS.ingestHandler,
    );
    const response = await missing(postActivities({ events: [event('c-1', 'u-1'), event('c-2', 'u-1')] }));
    const body = expectDocumented('POST /activities', response);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(body).toMatchObject({
      accepted: [],
      failed: [
        { index: 0, eventId: 'c-1' },
        { index: 1, eventId: 'c-2' },
      ],
    });
  });

  it('quarantines poison records written to the stream directly and shows them in the diagnosis', async () => {
    // A schema-valid event cannot reach 8 KiB; whitespace around it can, and size is measured on the bytes.
    const oversize = `${JSON.stringify(event('big', 'u-3'))}${' '.repeat(9000)}`;
    await emulators.kinesisClient.send(
      new PutRecordsCommand({
        StreamName: STREAM_NAME,
        Records: [
          { PartitionKey: 'u-3', Data: Buffer.from('not json') },
          { PartitionKey: 'u-3', Data: Buffer.from('{"hello":"world"}') },
          { PartitionKey: 'u-3', Data: Buffer.from(JSON.stringify(event('neg', 'u-3', { quantity: -1 }))) },
          { PartitionKey: 'u-3', Data: Buffer.from(oversize) },
          { PartitionKey: 'u-3', Data: Buffer.from(JSON.stringify(event('ok', 'u-3'))) },
        ],
      }),
    );
    const { records, result } = await processNewRecords();
    expect(records).toHaveLength(5);
    expect(result.batchItemFailures).toEqual([]);
    const diagnosis = expectDiagnosis(
      await handlers.diagnose(getUserRoute('diagnosis', 'u-3', { claims: ADMIN })),
    );
    const processor = diagnosis.checks.find((c) => c.id === 'processor');
    expect(processor?.data.recentQuarantined?.map((q) => q.reason).sort()).toEqual([
      'invalid_event',
      'invalid_event',
      'malformed_record',
      'malformed_record',
    ]);
    const store = diagnosis.checks.find((c) => c.id === 'store');
    expect(store?.data).toMatchObject({ events: 1 });
  });

  it("traces a conflicting resend: the stored version, the quarantined arrival, and a Logs Insights query of the functions' log groups", async () => {
    const producer = claimsOf('producer', ['activity/ingest']);
    await handlers.ingest(postActivities(event('t-1', 'u-4'), { claims: producer, requestId: 'req-first' }));
    await processNewRecords();
    await handlers.ingest(
      postActivities(event('t-1', 'u-4', { quantity: 4 }), { claims: producer, requestId: 'req-conflict' }),
    );
    await processNewRecords();

    const trace = expectEventTrace(await handlers.diagnose(getEventTrace('u-4', 't-1', { claims: ADMIN })));

    expect(trace.stored?.event).toMatchObject({ eventId: 't-1', quantity: 1 });
    expect(trace.quarantined).toMatchObject([{ reason: 'conflict', correlationId: 'req-conflict' }]);
    expect(trace.counter).toMatchObject({ agrees: true, events: { count: 1 } });
    expect(trace.logs?.query).toContain(`@message like '"req-conflict"'`);
    expect(trace.logs?.query).toContain(`# log groups: ${LOG_GROUP_NAMES.join(', ')}`);
    expect(trace.logs?.url).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:logs-insights/,
    );
  });

  it('serves GET /health with 200 even though CloudWatch cannot be read here', async () => {
    const response = await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health', claims: ADMIN }));
    expect(response.statusCode).toBe(200);
    expect(expectDocumented('GET /health', response).status).toBe('degraded');
  });

  it('returns every stored record as a batch item failure while DynamoDB is down, and no poison', async () => {
    await emulators.kinesisClient.send(
      new PutRecordsCommand({
        StreamName: STREAM_NAME,
        Records: [
          { PartitionKey: 'u-4', Data: Buffer.from(JSON.stringify(event('d-1', 'u-4'))) },
          { PartitionKey: 'u-5', Data: Buffer.from(JSON.stringify(event('d-2', 'u-5'))) },
        ],
      }),
    );
    await emulators.stopDynamo();
    const { records, result } = await processNewRecords();
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((r) => r.sequenceNumber).sort(),
    );
    const outage = await handlers.query(getUserRoute('activity', 'u-1'));
    expect(outage.statusCode).toBe(503);
    expectDocumented('GET /users/{userId}/activity', outage);
  });
});
