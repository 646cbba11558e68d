import { partitionOf } from '@activity-history/adapters-nats';
import { createLogger } from '@activity-history/handlers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime.js';
import { runtimeConfigFromEnv } from '../src/runtime-config.js';
import { eventsOf, get, postEvents, totalsOf } from './support/api.js';
import { type Backends, startBackends } from './support/backends.js';

const PER_USER = 25;

let backends: Backends;
const replicas: Runtime[] = [];

const replica = async (env: Readonly<Record<string, string>>): Promise<Runtime> => {
  const config = runtimeConfigFromEnv({ ...backends.env, ...env });
  if (!config.ok) throw new Error(config.error.join('\n'));
  const runtime = await startRuntime(config.value, { logger: createLogger({ level: 'silent' }) });
  replicas.push(runtime);
  return runtime;
};

/** The figure a Prometheus counter shows, 0 before its first sample. */
const counterOf = async (runtime: Runtime, name: string): Promise<number> => {
  const text = await runtime.metrics.exposition();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
};

beforeAll(async () => {
  backends = await startBackends(2);
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((runtime) => runtime.close()));
  await backends?.stop();
});

describe('the runtime split into an API replica and consumers on disjoint partitions', () => {
  it('drains the stream between the consumers, each event counted once, by one of them', async () => {
    const api = await replica({ ACTIVITY_RUNTIME_ROLE: 'api' });
    const consumers = [
      await replica({ ACTIVITY_RUNTIME_ROLE: 'consumer', ACTIVITY_CONSUMER_PARTITIONS: '0' }),
      await replica({ ACTIVITY_RUNTIME_ROLE: 'consumer', ACTIVITY_CONSUMER_PARTITIONS: '1' }),
    ];
    // Three users on each partition, so both consumers have work.
    const users = Array.from({ length: 40 }, (_, i) => `u-${i}`);
    const chosen = [0, 1].flatMap((partition) =>
      users.filter((user) => partitionOf(user, backends.partitions) === partition).slice(0, 3),
    );
    const admin = await backends.issuer.sign('operator', 'activity/admin activity/ingest');

    for (const user of chosen) {
      expect((await postEvents(api.url, admin, eventsOf(user, PER_USER, 'e'))).status).toBe(202);
    }
    for (const user of chosen) {
      await expect
        .poll(async () => (await totalsOf(api.url, admin, user)).count, { timeout: 30_000, interval: 100 })
        .toBe(PER_USER);
    }

    const stored = await Promise.all(
      consumers.map((consumer) => counterOf(consumer, 'activity_history_stored_events_total')),
    );
    expect(stored).toEqual([3 * PER_USER, 3 * PER_USER]);
    for (const consumer of consumers) {
      expect(await counterOf(consumer, 'activity_history_duplicate_events_total')).toBe(0);
    }
    expect(api.delivery).toBeNull();
    expect(await counterOf(api, 'activity_history_stored_events_total')).toBe(0);
  });

  it('answers the probes and /metrics on a consumer, and the API only on the API replica', async () => {
    const [api, consumer] = replicas;
    const token = await backends.issuer.sign('u-0', '');

    const refused = await get(consumer!.url, '/users/u-0/activity', token);

    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({
      error: { code: 'not_found', message: expect.stringContaining('consumer') },
    });
    expect((await get(consumer!.url, '/readyz', null)).status).toBe(200);
    expect((await fetch(`${consumer!.url}/metrics`)).status).toBe(200);
    expect((await get(api!.url, '/readyz', null)).status).toBe(200);
  });
});
