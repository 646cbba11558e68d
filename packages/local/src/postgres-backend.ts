import { join } from 'node:path';
import {
  createJetStreamEventStream,
  ensureJetStream,
  jetStreamShardSource,
  NatsServerNotFoundError,
  partitionOf,
  partitionSubject,
  type RunningNatsServer,
  startNatsServer,
  USER_ID_HEADER,
} from '@activity-history/adapters-nats';
import {
  createPostgresEventStore,
  exclusiveSession,
  type MigrationReport,
  migrate,
  type PostgresConnector,
} from '@activity-history/adapters-postgres';
import type { Logger } from '@activity-history/handlers';
import { PGlite } from '@electric-sql/pglite';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { LocalBackend } from './local-backends.js';

/** What the postgres backend needs. */
export interface PostgresBackendOptions {
  readonly dataDir: string;
  readonly streamName: string;
  /** Partitions of the stream's subjects (`<streamName>.<n>`), one shard each. */
  readonly shardCount: number;
  /** The environment holding `DATABASE_URL` and `NATS_URL`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
}

/**
 * How long JetStream remembers a message id: a producer's retry within it is dropped as a
 * duplicate (JetStream's own default). Later resends still count once: the store deduplicates.
 */
const DUPLICATE_WINDOW_MS = 120_000;

/** A URL as the banner shows it: without its password. */
const withoutPassword = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
};

/** Something started here, stopped by `close` in the reverse order. */
type Stop = () => Promise<unknown>;

const openStore = async (
  options: PostgresBackendOptions,
  stops: Stop[],
): Promise<{ connector: PostgresConnector; migrated: MigrationReport; where: string }> => {
  const url = options.env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    const pool = new pg.Pool({ connectionString: url });
    // An idle connection the server closes (a restart, a timeout) is an 'error' event on the pool,
    // which would end the process unheard; the pool drops that connection and opens another.
    pool.on('error', (error) =>
      options.logger.warn({ error: error.message }, 'a PostgreSQL connection failed'),
    );
    stops.push(() => pool.end());
    return {
      connector: pool,
      migrated: await migrate(pool),
      where: `${withoutPassword(url)} (DATABASE_URL)`,
    };
  }
  const directory = join(options.dataDir, 'postgres');
  const db = await PGlite.create(directory);
  stops.push(() => db.close());
  const connector = exclusiveSession(db);
  return {
    connector,
    migrated: await migrate(connector),
    where: `PGlite (in process), data in ${directory}`,
  };
};

const openNats = async (
  options: PostgresBackendOptions,
  stops: Stop[],
): Promise<{ connection: NatsConnection; where: string }> => {
  const url = options.env.NATS_URL;
  if (url !== undefined && url !== '') {
    const connection = await connect({ servers: url.split(',').map((server) => server.trim()) }).catch(
      (error: unknown) => {
        throw new Error(`could not connect to NATS_URL=${url}: ${(error as Error).message}`, {
          cause: error,
        });
      },
    );
    stops.push(() => connection.close());
    return { connection, where: `${url} (NATS_URL)` };
  }
  const storeDir = join(options.dataDir, 'nats');
  let server: RunningNatsServer;
  try {
    server = await startNatsServer({ storeDir });
  } catch (error) {
    if (!(error instanceof NatsServerNotFoundError)) throw error;
    // The stream must outlive a restart, as the store does: no fallback to one in memory.
    throw new Error(
      'ACTIVITY_BACKEND=postgres needs NATS JetStream for its stream: set NATS_URL=nats://<host>:4222, ' +
        'or install nats-server (sudo apt-get install nats-server) for local mode to start one',
    );
  }
  stops.push(() => server.stop());
  const connection = await connect({ servers: server.server });
  stops.push(() => connection.close());
  return { connection, where: `nats-server -js at ${server.server}, started here, store in ${storeDir}` };
};

/**
 * The PostgreSQL and NATS JetStream backends of local mode, through the same adapters a deployment
 * on them uses. The store is PostgreSQL at `DATABASE_URL` (a `pg` pool), else PGlite with its data
 * under `dataDir/postgres`; its schema is migrated at start. The stream is JetStream at `NATS_URL`,
 * else a `nats-server -js` started here on a free port of 127.0.0.1 with its store under
 * `dataDir/nats`, stopped by `close`; with neither, start-up fails saying how to get one. The
 * stream (`<streamName>.<partition>` subjects) is created if missing. Everything that must survive
 * a restart is on disk or in those servers.
 *
 * @example
 * ```ts
 * const backend = await postgresBackend({ dataDir: '.activity-history', streamName: 'activity-events',
 *   shardCount: 2, env: process.env, logger });
 * ```
 */
export const postgresBackend = async (options: PostgresBackendOptions): Promise<LocalBackend> => {
  const { streamName, shardCount: partitions } = options;
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of [...stops].reverse()) await stop();
  };
  try {
    // The stream first: without one, start-up stops at once instead of after PGlite's first start.
    const nats = await openNats(options, stops);
    const stream = await ensureJetStream(await jetstreamManager(nats.connection), {
      name: streamName,
      subjects: [`${streamName}.*`],
      duplicateWindowMs: DUPLICATE_WINDOW_MS,
    });
    const postgres = await openStore(options, stops);
    const client = jetstream(nats.connection);
    const subjectOf = (partitionKey: string) =>
      partitionSubject(streamName, partitionOf(partitionKey, partitions));
    return {
      kind: 'postgres',
      store: createPostgresEventStore({ connector: postgres.connector }),
      stream: createJetStreamEventStream({ connection: nats.connection, stream: streamName, partitions }),
      source: jetStreamShardSource({ connection: nats.connection, stream: streamName, partitions }),
      // The Kinesis event the process function gets names its source; this one is a JetStream stream.
      streamArn: `nats:jetstream:${streamName}`,
      region: 'local',
      where: [
        `PostgreSQL: ${postgres.where}, schema version ${postgres.migrated.version}`,
        `JetStream: ${nats.where}`,
        `stream: ${partitions} partitions (subjects ${streamName}.0-${partitions - 1}), created ${stream.created}`,
      ],
      persistent: true,
      memory: null,
      aws: null,
      appendRaw: async (partitionKey, data) => {
        const header = headers();
        header.set(USER_ID_HEADER, partitionKey);
        await client.publish(subjectOf(partitionKey), data, { headers: header, expect: { streamName } });
      },
      shardOf: subjectOf,
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
