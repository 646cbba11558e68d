/**
 * The function side of the latency benchmark: imports a built process bundle (its clients point
 * at the proxy named by `AWS_ENDPOINT_URL_DYNAMODB`), feeds it `rounds` rounds of Kinesis events
 * of 500 records over 1,000 users, one batch per latency of the comma-separated list in each
 * round, in an order that rotates, with the proxy's latency set before each batch; and prints, as
 * JSON, each latency's batch wall times and this process's CPU time per event over every batch.
 * Then, as the baseline, the CPU per event of one bare PutItem per event through the same SDK
 * (unbundled) against the emulator.
 */
import { createDynamoDbClients } from '../../packages/adapters-aws/src/index.js';
import { createBareEventLog } from '../../packages/adapters-aws/src/testing/index.js';
import { emulatorConfig } from '../../packages/aws-emulators/src/index.js';

const [bundlePath, roundsText, runId, latenciesText] = process.argv.slice(2);
const rounds = Number(roundsText ?? 4);
const latencies = (latenciesText ?? '0').split(',').map(Number);
const proxy = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '';
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

const setLatency = async (ms: number) => {
  await fetch(`${proxy}/__latency`, { method: 'POST', body: String(ms) });
};

// Warm-up: module state, sockets and the JIT, not measured.
await setLatency(0);
await handler(kinesisEvent(-1));
const times: Record<string, number[]> = Object.fromEntries(latencies.map((l) => [String(l), []]));
let cpuUs = 0;
let batch = 0;
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < latencies.length; k++) {
    const latency = latencies[(round + k) % latencies.length]!;
    await setLatency(latency);
    const event = kinesisEvent(batch++);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await handler(event);
    times[String(latency)]!.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    if (result.batchItemFailures.length > 0)
      throw new Error(`batch ${batch} failed ${result.batchItemFailures.length} records`);
  }
}
const cpuUsPerEvent = cpuUs / (batch * RECORDS);

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
