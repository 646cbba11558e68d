/**
 * The project's process function beside the peers an AWS developer would write instead, on AWS's
 * DynamoDB Local (dynalite has no transactions), each over its own tables, all fed the same
 * 500-record batches over 1,000 users, five days and two types, each through the one delivery
 * engine (Lambda's event source mapping, in process), in rounds that alternate their order so
 * that a burst of load hits every pipeline. The subject is the handler the process Lambda runs,
 * `createHandlers(...).process` (the deployed function's wiring) over the DynamoDB event store,
 * with its metrics kept in memory and its logs silent.
 * The peers (`bench/peers/`): naive `PutItem` + `UpdateItem ADD`; one `TransactWriteItems` per
 * event; Powertools `BatchProcessor` + `makeIdempotent` on its DynamoDB persistence layer.
 *
 * Figures: events/s (from the median batch), requests and write units per event (counted at the
 * client from the `ConsumedCapacity` DynamoDB Local reports, transactions at DynamoDB's double
 * rate; the measured rounds hold no duplicate, so no refused conditional write goes uncounted),
 * and exactness: the events each pipeline counted after one earlier batch was delivered again at
 * once, and another two hours later (for the Powertools peer, its idempotency records age by two
 * hours: see `ageIdempotencyRecords`).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, type DynamoDBClientConfig, paginateScan } from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import {
  createDynamoDbClients,
  createDynamoDbEventStore,
  ensureTable,
} from '../packages/adapters-aws/src/index.js';
import { type CapacityReading, meterDynamoDb } from '../packages/adapters-aws/src/testing/index.js';
import {
  createMemoryEventStream,
  createMemoryMetrics,
  memoryShardSource,
} from '../packages/adapters-memory/src/index.js';
import { emulatorConfig, startDynamoDbLocal } from '../packages/aws-emulators/src/index.js';
import {
  type ActivityEvent,
  type Clock,
  DAY_MS,
  type IncomingRecord,
  type MetricsRecorder,
  type StreamEnvelope,
  startOfUtcDay,
} from '../packages/core/src/index.js';
import { seededRandom } from '../packages/core/src/testing/index.js';
import {
  createDeliveryEngine,
  createMemoryCheckpoints,
  createMemoryDeadLetters,
} from '../packages/delivery/src/index.js';
import { createHandlers, createLogger, kinesisBatchEvent } from '../packages/handlers/src/index.js';
import { type BenchFigure, type BenchSuite, median } from './kit.js';
import { createNaiveAddHandler } from './peers/naive-add.js';
import {
  ageIdempotencyRecords,
  createIdempotencyTable,
  createPowertoolsHandler,
} from './peers/powertools-idempotent.js';
import { createTransactWriteHandler } from './peers/transact-write.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const RECORDS = 500;
const USERS = 1_000;
const DAYS = 5;
const TYPES = ['track.played', 'episode.watched'];
/** Measured rounds, after one warm-up round: every pipeline takes one batch per round. */
const ROUNDS = 5;
const TWO_HOURS_MS = 2 * 3_600_000;

/** The system clock, which the bench can move forward for every pipeline at once. */
const shiftedClock = (): Clock & { advance(ms: number): void } => {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    advance: (ms) => {
      offset += ms;
    },
  };
};

const silent: MetricsRecorder = { record: () => {}, flush: async () => {} };
const logger = createLogger({ level: 'silent' });

/** What Lambda passes a function; Powertools reads the remaining time, the project the request id. */
const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** `1 + ROUNDS` batches of envelopes: users drawn among 1,000, days among the last five, two types. */
const workload = (now: number): StreamEnvelope[][] => {
  const random = seededRandom(13);
  const firstDay = startOfUtcDay(now) - DAYS * DAY_MS;
  return Array.from({ length: 1 + ROUNDS }, (_, b) =>
    Array.from({ length: RECORDS }, (_, i): StreamEnvelope => {
      const event: ActivityEvent = {
        eventId: `e-${b}-${i}`,
        userId: `user-${Math.floor(random() * USERS)}`,
        type: TYPES[Math.floor(random() * TYPES.length)]!,
        occurredAt: new Date(firstDay + Math.floor(random() * DAYS) * DAY_MS + 12 * 3_600_000).toISOString(),
        quantity: Math.round(random() * 60_000) / 100 + 0.01,
        attributes: { device: 'phone' },
      };
      return { v: 1, event, correlationId: `c-${b}-${i}`, receivedAt: new Date(now).toISOString() };
    }),
  );
};

type ProcessFunction = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

interface Pipeline {
  readonly name: string;
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly meter: ReturnType<typeof meterDynamoDb>;
  /**
   * What DynamoDB charges per write unit DynamoDB Local reports: 2 for transactions (it reports a
   * transaction's items at the standard rate; DynamoDB charges transactional writes double).
   */
  readonly writeUnitRate: number;
  /** Publishes a batch's envelopes to the pipeline's stream and delivers them; resolves when done. */
  deliver(envelopes: readonly StreamEnvelope[]): Promise<{ ms: number; invocations: number }>;
  /** Hands the records of an earlier `deliver` call to the function again, in one invocation. */
  redeliver(call: number): Promise<void>;
}

const pipeline = async (
  name: string,
  config: DynamoDBClientConfig,
  clock: Clock,
  build: (client: DynamoDBClient, table: string) => Promise<ProcessFunction>,
  writeUnitRate = 1,
): Promise<Pipeline> => {
  const { client } = createDynamoDbClients(config);
  const table = `bench-${name}`;
  await ensureTable(client, table);
  const handler = await build(client, table);
  const meter = meterDynamoDb(client);
  const stream = createMemoryEventStream({ clock });
  const deadLetters = createMemoryDeadLetters();
  /** The records each `deliver` call handed over (retries included once), as the stream numbered them. */
  const delivered: Map<string, IncomingRecord>[] = [];
  const invoke = async (shardId: string, records: readonly IncomingRecord[]) => {
    const event = kinesisBatchEvent(records, {
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${table}`,
      shardId,
      region: 'us-east-1',
    });
    const { batchItemFailures } = await handler(event, lambdaContext(table));
    return { failed: batchItemFailures.map((failure) => failure.itemIdentifier) };
  };
  const engine = createDeliveryEngine({
    source: memoryShardSource(stream),
    checkpoints: createMemoryCheckpoints(),
    deadLetters,
    invoke: async ({ shardId, records }) => {
      for (const record of records) delivered.at(-1)!.set(record.recordId, record);
      return invoke(shardId, records);
    },
    clock,
    metrics: { ...silent, setDeadLetterDepth: () => {} },
    logger,
    // A retry goes at once: a peer's retries cost their work, not a backoff the bench would choose.
    settings: { batchSize: RECORDS, readAheadRecords: RECORDS, retryBackoffInitialMs: 0 },
  });
  return {
    name,
    client,
    table,
    meter,
    writeUnitRate,
    async deliver(envelopes) {
      await stream.publish(envelopes);
      delivered.push(new Map());
      const start = performance.now();
      const report = await engine.drain();
      const ms = performance.now() - start;
      if (!report.drained || deadLetters.depth() > 0) throw new Error(`${name} did not drain`);
      return { ms, invocations: report.batches };
    },
    async redeliver(call) {
      const records = [...delivered[call]!.values()];
      const { failed } = await invoke(records[0]!.shard, records);
      if (failed.length > 0) throw new Error(`${name} failed ${failed.length} redelivered records`);
    },
  };
};

/** Events the table's counters hold: the sum of `n` over its `C#` items (every pipeline's layout). */
const countedEvents = async (client: DynamoDBClient, table: string): Promise<number> => {
  let counted = 0;
  const pages = paginateScan(
    { client },
    {
      TableName: table,
      FilterExpression: 'begins_with(sk, :counter)',
      ProjectionExpression: 'n',
      ExpressionAttributeValues: { ':counter': { S: 'C#' } },
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) counted += Number(item.n?.N ?? 0);
  return counted;
};

/** Requests and write units per event, units as DynamoDB charges them. */
const perEvent = (reading: CapacityReading, events: number, writeUnitRate: number) => ({
  requests: Object.values(reading.requests).reduce((a, b) => a + b, 0) / events,
  writeUnits: (reading.writeUnits * writeUnitRate) / events,
  byCommand: reading.requests,
});

const PEERS = [
  ['naive-add', 'the naive ADD peer'],
  ['transact-write', 'the TransactWriteItems peer'],
  ['powertools', 'the Powertools idempotency peer'],
] as const;

const suite: BenchSuite = {
  name: 'the process function beside its peers (naive ADD, TransactWriteItems, Powertools idempotency) on DynamoDB Local',
  async run(): Promise<readonly BenchFigure[]> {
    const dynamo = await startDynamoDbLocal();
    const config = emulatorConfig(dynamo.endpoint);
    const clock = shiftedClock();
    // Scans and the peer's clock change go through a client of their own: the meters see only pipelines.
    const { client: inspector } = createDynamoDbClients(config);
    const idempotencyTable = 'bench-powertools-idempotency';
    const pipelines: Pipeline[] = [];
    try {
      pipelines.push(
        await pipeline('project', config, clock, async (client, tableName) => {
          // The ports the process function does not use (the stream, the metrics reader) are memory ones.
          const metrics = createMemoryMetrics({ clock, retentionMs: 60_000 });
          const handlers = createHandlers({
            store: createDynamoDbEventStore({ client, tableName, clock }),
            stream: createMemoryEventStream({ clock }),
            metrics,
            metricsReader: metrics,
            clock,
            logger,
          });
          return handlers.process;
        }),
        await pipeline('naive-add', config, clock, async (client, tableName) =>
          createNaiveAddHandler({ client, tableName, clock }),
        ),
        await pipeline(
          'transact-write',
          config,
          clock,
          async (client, tableName) => createTransactWriteHandler({ client, tableName, clock }),
          2,
        ),
        await pipeline('powertools', config, clock, async (client, tableName) => {
          await createIdempotencyTable(client, idempotencyTable);
          return createPowertoolsHandler({
            client,
            tableName,
            idempotencyTableName: idempotencyTable,
            clock,
          });
        }),
      );
      const batches = workload(clock.now());
      for (const p of pipelines) await p.deliver(batches[0]!);
      for (const p of pipelines) p.meter.reset();
      const times = new Map(pipelines.map((p) => [p.name, [] as number[]]));
      const invocations = new Map(pipelines.map((p) => [p.name, 0]));
      for (let round = 1; round <= ROUNDS; round++) {
        for (let i = 0; i < pipelines.length; i++) {
          const p = pipelines[(i + round) % pipelines.length]!;
          const { ms, invocations: n } = await p.deliver(batches[round]!);
          times.get(p.name)!.push(ms);
          invocations.set(p.name, invocations.get(p.name)! + n);
        }
      }
      const costs = new Map(
        pipelines.map((p) => [p.name, perEvent(p.meter.read(), ROUNDS * RECORDS, p.writeUnitRate)]),
      );
      const speed = (name: string) => RECORDS / (median(times.get(name)!) / 1000);

      // Exactness: the first measured batch again at once (Lambda retrying a batch whose invocation
      // timed out), the second two hours later (a shard held up behind a failing batch, a replay).
      const delivered = (1 + ROUNDS) * RECORDS;
      const counted = async () =>
        new Map(
          await Promise.all(
            pipelines.map(async (p) => [p.name, await countedEvents(inspector, p.table)] as const),
          ),
        );
      const before = await counted();
      for (const p of pipelines) p.meter.reset();
      for (const p of pipelines) await p.redeliver(1);
      const redeliveryCosts = new Map(
        pipelines.map((p) => [p.name, perEvent(p.meter.read(), RECORDS, p.writeUnitRate)]),
      );
      const atOnce = await counted();
      clock.advance(TWO_HOURS_MS);
      await ageIdempotencyRecords(inspector, idempotencyTable, TWO_HOURS_MS / 1000);
      for (const p of pipelines) await p.redeliver(2);
      const late = await counted();

      for (const p of pipelines) {
        const cost = costs.get(p.name)!;
        const redelivery = redeliveryCosts.get(p.name)!;
        const [b, a, l] = [before, atOnce, late].map((m) => m.get(p.name)!) as [number, number, number];
        process.stdout.write(
          `  (${p.name}: batch ms ${times
            .get(p.name)!
            .map((t) => t.toFixed(0))
            .join('/')}, ` +
            `${invocations.get(p.name)} invocations for ${ROUNDS} batches, requests ${JSON.stringify(cost.byCommand)}; ` +
            `a redelivered event costs ${redelivery.requests.toFixed(2)} requests ${JSON.stringify(redelivery.byCommand)}; ` +
            `over-counted: ${b - delivered} before redeliveries, ${a - b} by the one at once, ${l - a} by the one two hours later)\n`,
        );
      }
      const besideEachPeer = (
        subject: string,
        unit: string,
        value: (name: string) => number,
        goal: BenchFigure['goal'],
      ) =>
        PEERS.map(
          ([name, label]): BenchFigure => ({
            subject,
            baseline: label,
            subjectValue: value('project'),
            baselineValue: value(name),
            unit,
            goal,
          }),
        );
      return [
        ...besideEachPeer(
          `project process function, events/s (median of ${ROUNDS} batches of ${RECORDS} over ${USERS} users)`,
          'events/s',
          speed,
          { min: 1 },
        ),
        ...besideEachPeer('project write units per event', 'WCU/event', (n) => costs.get(n)!.writeUnits, {
          max: 1,
        }),
        ...besideEachPeer('project requests per event', 'requests/event', (n) => costs.get(n)!.requests, {}),
        ...[['project', 'the project'] as const, ...PEERS].map(
          ([name, label]): BenchFigure => ({
            subject: `events ${label} counted after one batch was redelivered at once and another two hours later`,
            baseline: 'events delivered, each once before',
            subjectValue: late.get(name)!,
            baselineValue: delivered,
            unit: 'events',
            goal: name === 'project' ? { min: 1, max: 1 } : {},
          }),
        ),
      ];
    } finally {
      for (const p of pipelines) p.client.destroy();
      inspector.destroy();
      await dynamo.stop();
    }
  },
};

export default suite;
