import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '@activity-history/adapters-nats/testing';
import { startEmbeddedPostgres } from '@activity-history/adapters-postgres/testing';
import { startDynalite, startKinesalite } from '@activity-history/aws-emulators';
import { createLogger } from '@activity-history/handlers';
import {
  type BackendKind,
  type LocalBackend,
  type LocalPipeline,
  startLocalPipeline,
} from '@activity-history/local';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventsOf,
  postEvents,
  quarantineReasons,
  readTotals,
  readTrace,
  yesterdayAt,
} from './support/api-client.js';

const VISIBLE_WITHIN = { timeout: 5_000, interval: 100 };

/** A backend that keeps its data on disk, and how a producer of its own writes to its stream. */
interface PersistentBackend {
  readonly kind: BackendKind;
  readonly name: string;
  /** The folder of the data directory the backend keeps its data in. */
  readonly dataIn: string;
  writeRaw(pipeline: LocalPipeline, partitionKey: string, data: Uint8Array): Promise<void>;
}

const PERSISTENT_BACKENDS: readonly PersistentBackend[] = [
  {
    kind: 'emulators',
    name: 'the emulators backend (dynalite, kinesalite)',
    dataIn: 'dynamodb',
    async writeRaw(pipeline, partitionKey, data) {
      await pipeline.backend.aws!.kinesis.send(
        new PutRecordsCommand({
          StreamName: pipeline.streamName,
          Records: [{ PartitionKey: partitionKey, Data: data }],
        }),
      );
    },
  },
  {
    kind: 'postgres',
    name: 'the postgres backend (PGlite, a nats-server it starts)',
    dataIn: 'postgres',
    writeRaw: (pipeline, partitionKey, data) => pipeline.backend.appendRaw!(partitionKey, data),
  },
];

describe.each(PERSISTENT_BACKENDS)('local mode on $name, through HTTP only', ({ kind, dataIn, writeRaw }) => {
  let dataDir: string;
  let pipeline: LocalPipeline;
  const start = () =>
    startLocalPipeline({
      backend: kind,
      port: 0,
      dataDir,
      logger: createLogger({ level: 'silent' }),
      env: {},
    });
  let tempDir: string;
  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), `local-${kind}-`));
    // As on a fresh clone: the data directory and its parent do not exist yet.
    dataDir = join(tempDir, 'not-yet', '.activity-history');
    pipeline = await start();
  });
  afterAll(async () => {
    await pipeline.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('makes posted events visible in GET within 5 s, duplicates counted once', async () => {
    const events = eventsOf('u-emu', 150);

    const posted = await postEvents(pipeline.url, [...events, events[0], events[1]]);
    await postEvents(pipeline.url, events.slice(0, 20));

    expect(posted.status).toBe(202);
    await expect
      .poll(() => readTotals(pipeline.url, 'u-emu'), VISIBLE_WITHIN)
      .toMatchObject({ count: 150, quantity: 300, quantityMicros: '300000000' });
  });

  it('shows conflicts and invalid records written straight to the stream in the diagnosis', async () => {
    const [original] = eventsOf('u-emu-bad', 1);
    await postEvents(pipeline.url, [original]);
    await expect
      .poll(() => readTotals(pipeline.url, 'u-emu-bad'), VISIBLE_WITHIN)
      .toMatchObject({ count: 1 });

    await postEvents(pipeline.url, [{ ...original!, quantity: 7 }]);
    // Set aside before the records below arrive, so that "newest first" is one order on every store:
    // records quarantined in the same instant are ordered by each store its own way.
    await expect
      .poll(() => quarantineReasons(pipeline.url, 'u-emu-bad'), VISIBLE_WITHIN)
      .toEqual(['conflict']);
    // A producer writing to the stream directly, past the API's validation.
    const encoder = new TextEncoder();
    const invalid = {
      eventId: 'x-1',
      userId: 'u-emu-bad',
      type: 'track.played',
      occurredAt: yesterdayAt(),
      quantity: 0,
    };
    await writeRaw(pipeline, 'u-emu-bad', encoder.encode(JSON.stringify(invalid)));
    await writeRaw(pipeline, 'u-emu-bad', encoder.encode('{"hello":'));

    await expect
      .poll(() => quarantineReasons(pipeline.url, 'u-emu-bad'), VISIBLE_WITHIN)
      .toEqual(['malformed_record', 'invalid_event', 'conflict']);
    expect(await readTotals(pipeline.url, 'u-emu-bad')).toMatchObject({ count: 1, quantity: 2 });

    // The trace of the resent key, from the store: the stored version stands, the conflict is beside it.
    const conflicted = await readTrace(pipeline.url, 'u-emu-bad', 'e-0');
    expect(conflicted.stored?.event).toMatchObject({ eventId: 'e-0', quantity: 2 });
    expect(conflicted.quarantined).toMatchObject([{ reason: 'conflict', errors: [{ path: 'eventId' }] }]);
    expect(JSON.parse(conflicted.quarantined[0]!.payload)).toMatchObject({ quantity: 7 });
    expect(conflicted.counter).toMatchObject({ agrees: true, events: { count: 1, quantity: 2 } });
    expect(conflicted.logs).toBeNull();
    // The invalid one never counted: not stored, quarantined with the rule it broke.
    const refused = await readTrace(pipeline.url, 'u-emu-bad', 'x-1');
    expect(refused).toMatchObject({ stored: null, counter: null });
    expect(refused.quarantined).toMatchObject([
      { reason: 'invalid_event', errors: [{ path: 'quantity' }], correlationId: null },
    ]);
  });

  it('keeps every event and counter across a restart on the same data directory', async () => {
    const before = await readTotals(pipeline.url, 'u-emu');

    await pipeline.close();
    pipeline = await start();

    expect(await readTotals(pipeline.url, 'u-emu')).toEqual(before);
    expect(await quarantineReasons(pipeline.url, 'u-emu-bad')).toEqual([
      'malformed_record',
      'invalid_event',
      'conflict',
    ]);
    const more = eventsOf('u-emu', 10, 'after-restart');
    await postEvents(pipeline.url, more);
    await expect
      .poll(() => readTotals(pipeline.url, 'u-emu'), VISIBLE_WITHIN)
      .toMatchObject({ count: 160, quantity: 320 });
    expect(await readdir(dataDir)).toContain(dataIn);
  });
});

/** Services of one's own the environment names, for local mode to use instead of starting its own. */
interface ExternalServices {
  readonly env: Record<string, string>;
  /** What the banner must say of them. */
  readonly shown: readonly string[];
  stop(): Promise<void>;
}

interface ExternalBackend {
  readonly name: string;
  readonly backend: BackendKind;
  readonly kind: LocalBackend['kind'];
  /** The folders of the data directory that stay absent: nothing was started there. */
  readonly notInDataDir: readonly string[];
  start(): Promise<ExternalServices>;
}

const EXTERNAL_BACKENDS: readonly ExternalBackend[] = [
  {
    name: 'endpoints named by the SDK variables (LocalStack, own emulators, an account)',
    backend: 'emulators',
    kind: 'endpoints',
    notInDataDir: ['dynamodb', 'kinesis'],
    async start() {
      const [dynamo, kinesis] = await Promise.all([startDynalite(), startKinesalite()]);
      const saved = { ...process.env };
      // The SDK takes credentials from the process environment, as it would for a real account.
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
      return {
        env: {
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
          AWS_REGION: 'eu-west-1',
        },
        shown: [`${dynamo.endpoint} (from the environment)`, `${kinesis.endpoint} (from the environment)`],
        async stop() {
          await Promise.all([dynamo.stop(), kinesis.stop()]);
          process.env = saved;
        },
      };
    },
  },
  {
    name: 'DATABASE_URL and NATS_URL (a PostgreSQL server, a JetStream server)',
    backend: 'postgres',
    kind: 'postgres',
    notInDataDir: ['postgres', 'nats'],
    async start() {
      const [postgres, nats] = await Promise.all([startEmbeddedPostgres(), startNatsServer()]);
      await postgres.createDatabase('local_e2e');
      return {
        env: { DATABASE_URL: postgres.urlOf('local_e2e'), NATS_URL: `nats://${nats.server}` },
        shown: [
          `postgres://postgres:***@127.0.0.1:${postgres.port}/local_e2e (DATABASE_URL)`,
          `nats://${nats.server} (NATS_URL)`,
        ],
        stop: async () => {
          await Promise.all([postgres.stop(), nats.stop()]);
        },
      };
    },
  },
];

describe.each(EXTERNAL_BACKENDS)('local mode on $name', ({ backend, kind, notInDataDir, start }) => {
  it('uses them instead of starting its own, creating the tables and stream it needs', async () => {
    const services = await start();
    const dataDir = await mkdtemp(join(tmpdir(), 'local-endpoints-'));
    const pipeline = await startLocalPipeline({
      backend,
      port: 0,
      dataDir,
      tableName: 'mine',
      streamName: 'my-events',
      logger: createLogger({ level: 'silent' }),
      env: services.env,
    });
    try {
      await postEvents(pipeline.url, eventsOf('u-ext', 5));

      await expect.poll(() => readTotals(pipeline.url, 'u-ext'), VISIBLE_WITHIN).toMatchObject({ count: 5 });
      expect(pipeline.backend.kind).toBe(kind);
      for (const shown of services.shown) expect(pipeline.backend.where.join('\n')).toContain(shown);
      const kept = await readdir(dataDir);
      for (const folder of notInDataDir) expect(kept).not.toContain(folder);
    } finally {
      await pipeline.close();
      await services.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
