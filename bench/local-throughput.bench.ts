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
import { createLogger } from '../packages/handlers/src/index.js';
import { startLocalPipeline } from '../packages/local/src/index.js';
import type { BenchSuite } from './kit.js';
import { countWindow, EVENTS_PER_ROUND, measureThroughput } from './throughput-rounds.js';

const RAW_STREAM = 'bench-raw-put-records';

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
      const window = countWindow();
      const { subject, baseline } = await measureThroughput({
        async post(events) {
          const response = await fetch(`${pipeline.url}/activities`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events }),
          });
          if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
        },
        async countOf(userId) {
          const response = await fetch(`${pipeline.url}/users/${userId}/activity?${window}`);
          return ((await response.json()) as { totals: { count: number } }).totals.count;
        },
        async publishRaw(envelopes) {
          const outcomes = await raw.publish(envelopes);
          if (outcomes.some((o) => !o.written)) throw new Error('kinesalite refused records');
        },
      });
      return [
        {
          subject: `HTTP POST (500/request) until visible via GET, ${EVENTS_PER_ROUND} events/round, counts exact`,
          baseline: 'raw PutRecords (500/call) on the same kinesalite',
          subjectValue: subject,
          baselineValue: baseline,
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
