/**
 * The activity-history event store on PostgreSQL, over any driver with `query(text, params)`:
 * `pg` (a `Pool` as it is) or PGlite (through {@link exclusiveSession}). Run {@link migrate}
 * before the first use.
 *
 * @example
 * ```ts
 * import { createPostgresEventStore, migrate } from '@activity-history/adapters-postgres';
 * import pg from 'pg';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const store = createPostgresEventStore({ connector: pool });
 * ```
 *
 * @packageDocumentation
 */
export { type MigrationReport, migrate, PostgresMigrationError } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export {
  exclusiveSession,
  type NamedStatement,
  type PostgresConnector,
  type PostgresSession,
  type Queryable,
} from './postgres-connection.js';
export {
  createPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres-event-store.js';
export { toEventStoreError } from './postgres-failure.js';
