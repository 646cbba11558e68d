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

/** Batches of 500 events where each user has one event: no counter write is shared. */
const loneEventBatches = (): ActivityEvent[][] =>
  Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => ({
      eventId: `lone-${b}-${i}`,
      userId: `lone-user-${b}-${i}`,
      type: TYPES[i % TYPES.length]!,
      occurredAt: new Date(DAY + i * 60_000).toISOString(),
      quantity: 1 + (i % 9),
      attributes: {},
    })),
  );

/** Batches of 50 users with 10 events each, spread over 5 days and two types. */
const busyUserBatches = (): ActivityEvent[][] => {
  const random = seededRandom(7);
  return Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => ({
      eventId: `busy-${b}-${i}`,
      userId: `busy-user-${b}-${i % 50}`,
      type: TYPES[Math.floor(random() * 2)]!,
      // The 5 days up to the day before the clock's: none of them in the future.
      occurredAt: new Date(DAY - Math.floor(random() * 5) * 86_400_000 + i * 1_000).toISOString(),
      quantity: Math.round(random() * 600) / 10 + 0.1,
      attributes: {},
    })),
  );
};

/**
 * Sequence numbers increase across every batch, as a shard's do: the store's watermarks rely on it,
 * and batches numbered from 0 again would have their counter writes refused (events stored, not
 * counted, and the refused writes missing from the figures).
 */
let recordSequence = 0;
const recordsOf = (events: readonly ActivityEvent[]): IncomingRecord[] =>
  events.map((event) => ({
    recordId: String(++recordSequence).padStart(20, '0'),
    shard: 'shardId-000000000000',
    partitionKey: event.userId,
    data: encodeEnvelope(envelopeOf(event)),
    arrivedAt: clock.now(),
  }));

/** Runs batches through the processor on a fresh table and reads what they cost. */
const costOf = async (endpoint: string, table: string, batches: readonly ActivityEvent[][]) => {
  const { client, document } = createDynamoDbClients(emulatorConfig(endpoint));
  await ensureTable(client, table);
  const meter = meterDynamoDb(client);
  const store = createDynamoDbEventStore({ client: document, tableName: table, clock });
  let stored = 0;
  for (const batch of batches) {
    const report = await processBatch(recordsOf(batch), { store, clock, metrics: silentMetrics });
    stored += report.stored;
  }
  const reading = meter.read();
  client.destroy();
  return { ...reading, stored };
};

/** The least a store that keeps every event can do: one plain item per event, by a bare PutItem. */
const bareCostOf = async (endpoint: string, events: readonly ActivityEvent[]) => {
  const { client, document } = createDynamoDbClients(emulatorConfig(endpoint));
  await ensureTable(client, 'bench-baseline');
  const meter = meterDynamoDb(client);
  const bare = createBareEventLog(document, 'bench-baseline');
  for (const event of events) await bare.put(event);
  const writes = meter.read();
  meter.reset();
  for (const event of events) await bare.get(event.userId, event.eventId);
  const reads = meter.read();
  client.destroy();
  return { writeUnits: writes.writeUnits / events.length, readUnits: reads.readUnits / events.length };
};

const processingCost = async (endpoint: string): Promise<BenchFigure[]> => {
  const traffic = trafficBatches();
  const subject = await costOf(endpoint, 'bench-store', traffic);
  const lone = await costOf(endpoint, 'bench-lone', loneEventBatches());
  const busy = await costOf(endpoint, 'bench-busy', busyUserBatches());
  const bare = await bareCostOf(endpoint, traffic.flat());
  const requests = Object.values(subject.requests).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `  (processing ${traffic.flat().length} events, ${subject.stored} stored: ${requests} requests ${JSON.stringify(subject.requests)})\n`,
  );
  const writesPerEvent = (subjectText: string, cost: { writeUnits: number; stored: number }) => ({
    subject: subjectText,
    baseline: 'a bare PutItem per event',
    subjectValue: cost.writeUnits / cost.stored,
    baselineValue: bare.writeUnits,
    unit: 'WCU/event',
    goal: { max: 2 },
  });
  return [
    writesPerEvent(
      `DynamoDB store write units per stored event, batches of ${BATCH} over ${USERS} users`,
      subject,
    ),
    writesPerEvent('the same, batches where each user has one event', lone),
    writesPerEvent('the same, batches of 50 users with 10 events each over 5 days', busy),
    {
      subject: 'DynamoDB store read units per stored event, batches over 1,000 users',
      baseline: 'a strongly consistent GetItem per event',
      subjectValue: subject.readUnits / subject.stored,
      baselineValue: bare.readUnits,
      unit: 'RCU/event',
      goal: { max: 2 },
    },
  ];
};

/**
 * What a batch costs on user-days that already hold thousands of events against the same batch
 * on empty days: a store that re-read the day to count it would pay for every earlier event.
 */
const bigDayCost = async (endpoint: string): Promise<BenchFigure[]> => {
  const users = Array.from({ length: 5 }, (_, u) => u);
  const dayOf = (userId: string, count: number, tag: string): ActivityEvent[] =>
    Array.from({ length: count }, (_, i) => ({
      eventId: `${tag}-${i}`,
      userId,
      type: 'track.played',
      occurredAt: new Date(DAY + i * 10_000).toISOString(),
      quantity: 1 + (i % 5),
      attributes: {},
    }));
  const batch = (prefix: string) => users.flatMap((u) => dayOf(`${prefix}-${u}`, 50, 'batch'));
  const { client, document } = createDynamoDbClients(emulatorConfig(endpoint));
  await ensureTable(client, 'bench-big-day');
  const store = createDynamoDbEventStore({ client: document, tableName: 'bench-big-day', clock });
  // The full days are seeded through the processor, as the stream would have filled them.
  for (const u of users) {
    const seed = dayOf(`full-${u}`, 2_000, 'seed');
    for (let i = 0; i < seed.length; i += BATCH) {
      await processBatch(recordsOf(seed.slice(i, i + BATCH)), { store, clock, metrics: silentMetrics });
    }
  }
  const meter = meterDynamoDb(client);
  const units = async (events: readonly ActivityEvent[]) => {
    meter.reset();
    const report = await processBatch(recordsOf(events), { store, clock, metrics: silentMetrics });
    if (report.stored !== events.length) throw new Error('the batch was not stored whole');
    const reading = meter.read();
    return reading.readUnits + reading.writeUnits;
  };
  const onEmpty = await units(batch('empty'));
  const onFull = await units(batch('full'));
  client.destroy();
  return [
    {
      subject: 'capacity units (read + write) of a 250-event batch on 5 user-days holding 2,000 events each',
      baseline: 'the same batch on 5 empty user-days',
      subjectValue: onFull,
      baselineValue: onEmpty,
      unit: 'units',
      goal: { max: 1 },
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
        ...(await bigDayCost(dynamo.endpoint)),
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
