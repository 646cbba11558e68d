import { describeEventStoreContract } from '@activity-history/core/testing';
import pg from 'pg';
import { afterAll, expect } from 'vitest';
import { migrate } from './migrate.js';
import type { PostgresConnector } from './postgres-connection.js';
import { postgresHarness } from './testing/postgres-harness.js';
import { startPostgresServer } from './testing/postgres-server.js';

let started: ReturnType<typeof startPostgresServer> | undefined;
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
  started ??= startPostgresServer();
  const { server, urlOf } = await started;
  const name = `suite_${databases++}`;
  await server.createDatabase(name);
  const pool = new pg.Pool({ connectionString: urlOf(name), max: 8 });
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
