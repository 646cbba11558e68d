import { ActivityHistoryError } from '@activity-history/core';
import { MIGRATIONS, type Migration } from './migrations.js';
import type { PostgresConnector, PostgresSession } from './postgres-connection.js';

/** A schema that cannot be migrated: newer than this code, or a migration list out of order. */
export class PostgresMigrationError extends ActivityHistoryError {}

/** What {@link migrate} did. */
export interface MigrationReport {
  /** The versions applied by this call, in order (none when the schema was up to date). */
  readonly applied: readonly number[];
  /** The schema's version afterwards. */
  readonly version: number;
}

// The store's advisory lock space is 1634205697 (one key per user); migrations take 1634205696.
const MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(1634205696, 0)';

const checkOrder = (migrations: readonly Migration[]) => {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1)
      throw new PostgresMigrationError(
        `migrations must be numbered 1, 2, 3... in order; found version ${migration.version} at position ${i + 1}`,
      );
  });
};

const currentVersion = async (session: PostgresSession): Promise<number> => {
  const { rows } = await session.query(
    'SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations',
  );
  return Number((rows[0] as { version: number | string }).version);
};

/**
 * Brings the database's schema to the last of `migrations` (the store's own by default): each
 * pending migration in its own transaction, recorded in `schema_migrations` with it, under an
 * advisory lock so that two migrators never apply one twice. Running it again applies nothing; a
 * database migrated past what this code knows is refused, not touched.
 *
 * @example
 * ```ts
 * await migrate(pool); // { applied: [1], version: 1 }, then { applied: [], version: 1 }
 * ```
 */
export const migrate = async (
  connector: PostgresConnector,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> => {
  checkOrder(migrations);
  const session = await connector.connect();
  const applied: number[] = [];
  let broken: Error | undefined;
  try {
    await session.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    for (;;) {
      await session.query('BEGIN');
      try {
        await session.query(MIGRATION_LOCK);
        const version = await currentVersion(session);
        if (version > migrations.length)
          throw new PostgresMigrationError(
            `the database's schema is at version ${version}, past the ${migrations.length} this code knows: upgrade the code, not the schema`,
          );
        const next = migrations[version];
        if (next === undefined) {
          await session.query('COMMIT');
          return { applied, version };
        }
        for (const statement of next.statements) await session.query(statement);
        await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          next.version,
          next.name,
        ]);
        await session.query('COMMIT');
        applied.push(next.version);
      } catch (error) {
        await session.query('ROLLBACK').catch((rollback: unknown) => {
          broken = rollback instanceof Error ? rollback : new Error(String(rollback));
        });
        throw error;
      }
    }
  } finally {
    session.release(broken);
  }
};
