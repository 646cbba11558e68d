/**
 * Local mode's sustained throughput: events per second from HTTP POSTs (batches of 500, four
 * requests at a time) until every user's count is visible through GET, against the raw rate of
 * `PutRecords` (the same 500-record calls, four at a time, through the same Kinesis adapter) on the
 * same kinesalite in the same run. Rounds alternate subject and baseline so that a burst of load on
 * the machine hits both. The pipeline runs with its defaults (emulators backend, 2 shards, batch
 * size 100); the counts are checked exact at the end.
 *
 * Everything shares one Node thread (gateway, functions, poller, dynalite, kinesalite), and the
 * DynamoDB store spends at least one request per event (its idempotency claim) plus a read and a
 * write per user-day of a batch (the counter recomputed from the day's events), where the baseline
 * spends one request per 500 records: the figure shows what that costs on the emulators.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKinesisEventStream, ensureStream } from '../packages/adapters-aws/src/index.js';
import type { ActivityEvent, StreamEnvelope } from '../packages/core/src/index.js';
import { createLogger } from '../packages/handlers/src/index.js';
import { startLocalPipeline } from '../packages/local/src/index.js';
import { type BenchSuite, median } from './kit.js';

const ROUNDS = 3;
const USERS = 100;
const PER_USER = 20;
const BATCH = 500;
const PARALLEL = 4;
const RAW_STREAM = 'bench-raw-put-records';

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const eventsOfRound = (round: number): ActivityEvent[] =>
  Array.from({ length: USERS * PER_USER }, (_, i) => ({
    eventId: `r${round}-${i}`,
    userId: `bench-${i % USERS}`,
    type: i % 3 === 0 ? 'page.read' : 'track.played',
    occurredAt: `${yesterday}T12:00:00Z`,
    quantity: 2,
    attributes: {},
  }));

const batchesOf = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));

const inParallel = async <T>(items: readonly T[], work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

const suite: BenchSuite = {
  name: 'local mode throughput (emulators backend)',
  async run() {
    const dataDir = await mkdtemp(join(tmpdir(), 'bench-local-'));
    const pipeline = await startLocalPipeline({
      backend: 'emulators',
      port: 0,
      dataDir,
      env: {},
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const kinesis = pipeline.backend.aws!.kinesis;
      await ensureStream(kinesis, RAW_STREAM, { shardCount: 2 });
      const raw = createKinesisEventStream({ client: kinesis, streamName: RAW_STREAM });
      const window = new URLSearchParams({ from: day(-2), to: day(1) });

      const countOf = async (userId: string): Promise<number> => {
        const response = await fetch(`${pipeline.url}/users/${userId}/activity?${window}`);
        return ((await response.json()) as { totals: { count: number } }).totals.count;
      };

      const putRecordsRate = async (round: number): Promise<number> => {
        const envelopes: StreamEnvelope[] = eventsOfRound(round).map((event) => ({
          v: 1,
          event,
          correlationId: `bench-${round}`,
          receivedAt: new Date().toISOString(),
        }));
        const started = performance.now();
        await inParallel(batchesOf(envelopes), async (batch) => {
          const outcomes = await raw.publish(batch);
          if (outcomes.some((o) => !o.written)) throw new Error('kinesalite refused records');
        });
        return envelopes.length / ((performance.now() - started) / 1000);
      };

      const pipelineRate = async (round: number): Promise<number> => {
        const events = eventsOfRound(round);
        const expected = (round + 1) * PER_USER;
        const started = performance.now();
        await inParallel(batchesOf(events), async (batch) => {
          const response = await fetch(`${pipeline.url}/activities`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
          });
          if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
        });
        // One user at a time: polling every user at once would spend more of the shared CPU on
        // queries than the pipeline spends on the events, and slow down what it measures.
        for (let u = 0; u < USERS; u++) {
          while ((await countOf(`bench-${u}`)) < expected) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        return events.length / ((performance.now() - started) / 1000);
      };

      const subject: number[] = [];
      const baseline: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        baseline.push(await putRecordsRate(round));
        subject.push(await pipelineRate(round));
      }
      const counts = await Promise.all(Array.from({ length: USERS }, (_, u) => countOf(`bench-${u}`)));
      if (counts.some((count) => count !== ROUNDS * PER_USER)) {
        throw new Error(
          `counts are not exact: ${counts.filter((c) => c !== ROUNDS * PER_USER).length} users differ`,
        );
      }
      return [
        {
          subject: `HTTP POST (500/request) until visible via GET, ${USERS * PER_USER} events/round, counts exact`,
          baseline: 'raw PutRecords (500/call) on the same kinesalite',
          subjectValue: median(subject),
          baselineValue: median(baseline),
          unit: 'events/s',
          goal: { min: 0.5 },
        },
      ];
    } finally {
      await pipeline.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

export default suite;
