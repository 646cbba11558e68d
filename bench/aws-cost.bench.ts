/**
 * What the AWS adapters cost per event, counted at the client on emulators (dynalite, kinesalite):
 * requests by a middleware, capacity units as the backend reports them for
 * `ReturnConsumedCapacity: 'TOTAL'` (dynalite computes them from item sizes with DynamoDB's
 * rounding: 1 KB per write unit, 4 KB per read unit, half for eventually consistent reads). Refused
 * conditional writes report nothing there (DynamoDB charges them): the workloads have none.
 */
// Relative imports of the workspace sources: the root package does not depend on the workspace
// packages, and `pnpm bench` runs with the `source` condition so that their own imports meet the
// same sources.
import {
  createDynamoDbClients,
  createDynamoDbEventStore,
  createKinesisClient,
  createKinesisEventStream,
  ensureStream,
  ensureTable,
} from '../packages/adapters-aws/src/index.js';
import {
  countRequests,
  createBareEventLog,
  meterDynamoDb,
} from '../packages/adapters-aws/src/testing/index.js';
import { emulatorConfig, startDynalite, startKinesalite } from '../packages/aws-emulators/src/index.js';
import {
  type ActivityEvent,
  encodeEnvelope,
  type IncomingRecord,
  type MetricsRecorder,
  processBatch,
  type StreamEnvelope,
} from '../packages/core/src/index.js';
import { seededRandom } from '../packages/core/src/testing/index.js';
import type { BenchFigure, BenchSuite } from './kit.js';
import { HEAVY_USER, LIGHT_USER, seedYears, YEAR, yearQueryFigure, yearQueryLine } from './year-workload.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const USERS = 1_000;
const BATCH = 500;
const BATCHES = 4;
const DAY = Date.UTC(2026, 2, 1);
const TYPES = ['track.played', 'page.read', 'video.watched'];

const silentMetrics: MetricsRecorder = { record: () => {}, flush: async () => {} };
const clock = { now: () => DAY + 2 * 86_400_000, sleep: async () => {} };

const envelopeOf = (event: ActivityEvent): StreamEnvelope => ({
  v: 1,
  event,
  correlationId: 'bench',
  receivedAt: new Date(DAY + 86_400_000).toISOString(),
});

/** Batches of 500 events, each from a user drawn among 1,000, through one day. */
const trafficBatches = (): ActivityEvent[][] => {
  const random = seededRandom(42);
  return Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      return {
        eventId: `evt-${n.toString().padStart(6, '0')}`,
        userId: `user-${Math.floor(random() * USERS)}`,
        type: TYPES[n % TYPES.length]!,
        occurredAt: new Date(DAY + Math.floor((n / (BATCH * BATCHES)) * 86_400_000)).toISOString(),
        quantity: Math.round(random() * 10_000) / 100 + 0.01,
        attributes: { device: 'phone', trackId: `t-${n % 97}` },
      };
    }),
  );
};

const recordsOf = (events: readonly ActivityEvent[]): IncomingRecord[] =>
  events.map((event, i) => ({
    recordId: String(i).padStart(20, '0'),
    shard: 'shardId-000000000000',
    partitionKey: event.userId,
    data: encodeEnvelope(envelopeOf(event)),
    arrivedAt: clock.now(),
  }));

const processingCost = async (endpoint: string): Promise<BenchFigure[]> => {
  const { client, document } = createDynamoDbClients(emulatorConfig(endpoint));
  await ensureTable(client, 'bench-store');
  await ensureTable(client, 'bench-baseline');
  const meter = meterDynamoDb(client);
  const store = createDynamoDbEventStore({ client: document, tableName: 'bench-store', clock });
  const batches = trafficBatches();
  let stored = 0;
  for (const batch of batches) {
    const report = await processBatch(recordsOf(batch), { store, clock, metrics: silentMetrics });
    stored += report.stored;
  }
  const subject = meter.read();

  // The baseline: each event as one plain item, written by a bare PutItem and read back by a
  // strongly consistent GetItem, the least a store that keeps every event can do.
  meter.reset();
  const events = batches.flat();
  const bare = createBareEventLog(document, 'bench-baseline');
  for (const event of events) await bare.put(event);
  const baselineWrites = meter.read();
  meter.reset();
  for (const event of events) await bare.get(event.userId, event.eventId);
  const baselineReads = meter.read();
  client.destroy();
  const requests = Object.values(subject.requests).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `  (processing ${events.length} events, ${stored} stored: ${requests} requests ${JSON.stringify(subject.requests)})\n`,
  );
  return [
    {
      subject: `DynamoDB store write units per stored event, batches of ${BATCH} over ${USERS} users`,
      baseline: 'a bare PutItem per event',
      subjectValue: subject.writeUnits / stored,
      baselineValue: baselineWrites.writeUnits / events.length,
      unit: 'WCU/event',
      goal: { max: 2.5 },
    },
    {
      subject: 'DynamoDB store read units per stored event, same batches',
      baseline: 'a strongly consistent GetItem per event',
      subjectValue: subject.readUnits / stored,
      baselineValue: baselineReads.readUnits / events.length,
      unit: 'RCU/event',
      goal: { max: 2 },
    },
  ];
};

const yearQueryCost = async (endpoint: string): Promise<BenchFigure[]> => {
  const { client, document } = createDynamoDbClients(emulatorConfig(endpoint));
  await ensureTable(client, 'bench-year');
  const meter = meterDynamoDb(client);
  const store = createDynamoDbEventStore({ client: document, tableName: 'bench-year', clock });
  await seedYears(store, 2_000);
  const read = async (userId: string) => {
    meter.reset();
    const counters = await store.readDailyCounters(userId, YEAR);
    return {
      ...meter.read(),
      days: counters.length,
      events: counters.reduce((n, c) => n + c.summary.count, 0),
    };
  };
  const light = await read(LIGHT_USER);
  const heavy = await read(HEAVY_USER);
  client.destroy();
  process.stdout.write(yearQueryLine(light, heavy));
  return [
    yearQueryFigure(
      'items read',
      'items',
      { ...light, value: light.itemsRead },
      { ...heavy, value: heavy.itemsRead },
    ),
    yearQueryFigure(
      'read units',
      'RCU',
      { ...light, value: light.readUnits },
      { ...heavy, value: heavy.readUnits },
    ),
  ];
};

const putRecordsCalls = async (endpoint: string): Promise<BenchFigure[]> => {
  const client = createKinesisClient(emulatorConfig(endpoint));
  await ensureStream(client, 'bench-events', { shardCount: 2 });
  const requests = countRequests(client);
  const stream = createKinesisEventStream({ client, streamName: 'bench-events' });
  const envelopes = trafficBatches()[0]!.map(envelopeOf);
  await stream.publish(envelopes.slice(0, 1));
  const single = requests().PutRecords ?? 0;
  const outcomes = await stream.publish(envelopes);
  const batch = (requests().PutRecords ?? 0) - single;
  client.destroy();
  if (!outcomes.every((o) => o.written))
    throw new Error('the stream refused records: the figure would mislead');
  return [
    {
      subject: `PutRecords calls to publish ${envelopes.length} envelopes, none refused`,
      baseline: 'PutRecords calls to publish 1 envelope',
      subjectValue: batch,
      baselineValue: single,
      unit: 'calls',
      goal: { max: 1 },
    },
  ];
};

const suite: BenchSuite = {
  name: 'AWS adapters: DynamoDB capacity per event, year-query cost, Kinesis calls',
  async run() {
    const dynamo = await startDynalite();
    const kinesis = await startKinesalite();
    try {
      return [
        ...(await processingCost(dynamo.endpoint)),
        ...(await yearQueryCost(dynamo.endpoint)),
        ...(await putRecordsCalls(kinesis.endpoint)),
      ];
    } finally {
      await dynamo.stop();
      await kinesis.stop();
    }
  },
};

export default suite;
