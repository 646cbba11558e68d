/**
 * The function side of the latency benchmark: imports a built process bundle (its clients point
 * at the proxy named by `AWS_ENDPOINT_URL_DYNAMODB`), feeds it `batches` Kinesis events of 500
 * records over 1,000 users, and prints, as JSON, each batch's wall time and this process's CPU
 * time per event; then, as the baseline, the CPU per event of one bare PutItem per event through
 * the same SDK (unbundled) against the emulator.
 */
import { createDynamoDbClients } from '../../packages/adapters-aws/src/index.js';
import { createBareEventLog } from '../../packages/adapters-aws/src/testing/index.js';
import { emulatorConfig } from '../../packages/aws-emulators/src/index.js';

const [bundlePath, batchesText, runId] = process.argv.slice(2);
const batches = Number(batchesText ?? 4);
const RECORDS = 500;
const USERS = 1_000;

const { handler } = (await import(bundlePath!)) as {
  handler: (event: unknown) => Promise<{ batchItemFailures: unknown[] }>;
};

let sequence = 10n ** 20n;
let random = 42;
const next = () => {
  random = (random * 1_103_515_245 + 12_345) % 2 ** 31;
  return random / 2 ** 31;
};
const kinesisEvent = (batch: number) => ({
  Records: Array.from({ length: RECORDS }, (_, i) => {
    sequence += 1n;
    const userId = `${runId}-u${Math.floor(next() * USERS)}`;
    const event = {
      eventId: `${runId}-b${batch}-e${i}`,
      userId,
      type: next() < 0.5 ? 'track.played' : 'episode.watched',
      occurredAt: new Date(Date.UTC(2026, 2, 1 + Math.floor(next() * 5), 12)).toISOString(),
      quantity: Math.round(next() * 600) / 10 + 0.1,
    };
    const data = { v: 1, event, correlationId: `c-${i}`, receivedAt: new Date().toISOString() };
    return {
      eventID: `shardId-000000000000:${sequence}`,
      eventSource: 'aws:kinesis',
      kinesis: {
        sequenceNumber: String(sequence),
        partitionKey: userId,
        data: Buffer.from(JSON.stringify(data)).toString('base64'),
        approximateArrivalTimestamp: Date.now() / 1000,
      },
    };
  }),
});

// Warm-up: module state, sockets and the JIT, not measured.
await handler(kinesisEvent(-1));
const times: number[] = [];
const before = process.cpuUsage();
for (let b = 0; b < batches; b++) {
  const event = kinesisEvent(b);
  const start = performance.now();
  const result = await handler(event);
  times.push(performance.now() - start);
  if (result.batchItemFailures.length > 0)
    throw new Error(`batch ${b} failed ${result.batchItemFailures.length} records`);
}
const used = process.cpuUsage(before);
const cpuUsPerEvent = (used.user + used.system) / (batches * RECORDS);

// Straight to the emulator: the proxy's counts stay the bundle's.
const { client: bare } = createDynamoDbClients(emulatorConfig(process.env.BARE_ENDPOINT ?? ''));
const log = createBareEventLog(bare, process.env.ACTIVITY_TABLE_NAME ?? '');
const put = (i: number) =>
  log.put({
    eventId: `${runId}-bare-${i}`,
    userId: `${runId}-bare`,
    type: 'track.played',
    occurredAt: '2026-03-01T12:00:00.000Z',
    quantity: 1.5,
    attributes: {},
  });
await Promise.all(Array.from({ length: 50 }, (_, i) => put(-i - 1)));
const bareBefore = process.cpuUsage();
for (let i = 0; i < RECORDS; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => put(i + j)));
const bareUsed = process.cpuUsage(bareBefore);
bare.destroy();

process.stdout.write(
  `${JSON.stringify({
    times,
    cpuUsPerEvent,
    bareCpuUsPerEvent: (bareUsed.user + bareUsed.system) / RECORDS,
  })}\n`,
);
process.exit(0);
