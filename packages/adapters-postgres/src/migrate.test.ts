import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { migrate, PostgresMigrationError } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { exclusiveSession, type PostgresConnector } from './postgres-connection.js';

const tables = async (db: PGlite) =>
  (
    await db.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
  ).rows.map((row) => row.name);

const versions = async (db: PGlite) =>
  (await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
    (row) => row.version,
  );

const fresh = (): { db: PGlite; connector: PostgresConnector } => {
  const db = new PGlite();
  return { db, connector: exclusiveSession(db) };
};

const second: Migration = {
  version: 2,
  name: 'add_notes',
  statements: ['CREATE TABLE notes (id integer PRIMARY KEY)', 'INSERT INTO notes VALUES (1)'],
};

describe('migrate', () => {
  it('applies every migration to an empty database and records each', async () => {
    const { db, connector } = fresh();

    const report = await migrate(connector);

    expect(report).toEqual({ applied: [1], version: 1 });
    expect(await tables(db)).toEqual([
      'activity_counters',
      'activity_events',
      'activity_quarantine',
      'schema_migrations',
    ]);
    expect(await versions(db)).toEqual([1]);
  });

  it('applies nothing when run again, and only the new migration when one is added', async () => {
    const { db, connector } = fresh();
    await migrate(connector);

    expect(await migrate(connector)).toEqual({ applied: [], version: 1 });
    expect(await migrate(connector, [...MIGRATIONS, second])).toEqual({ applied: [2], version: 2 });
    expect(await migrate(connector, [...MIGRATIONS, second])).toEqual({ applied: [], version: 2 });
    expect((await db.query('SELECT * FROM notes')).rows).toHaveLength(1);
  });

  it('applies concurrent runs once', async () => {
    const { db, connector } = fresh();

    const reports = await Promise.all([migrate(connector), migrate(connector), migrate(connector)]);

    expect(reports.flatMap((report) => report.applied)).toEqual([1]);
    expect(await versions(db)).toEqual([1]);
  });

  it('refuses a database migrated past what it knows, and leaves it as it was', async () => {
    const { db, connector } = fresh();
    await migrate(connector, [...MIGRATIONS, second]);

    const refused = migrate(connector);

    await expect(refused).rejects.toBeInstanceOf(PostgresMigrationError);
    await expect(refused).rejects.toThrow(/version 2, past the 1 this code knows/);
    expect(await versions(db)).toEqual([1, 2]);
  });

  it('rolls a failing migration back whole: none of its statements stay, its version is not recorded', async () => {
    const { db, connector } = fresh();
    const broken: Migration = {
      ...second,
      statements: [...second.statements, 'INSERT INTO nowhere VALUES (1)'],
    };

    await expect(migrate(connector, [...MIGRATIONS, broken])).rejects.toThrow(/nowhere/);

    expect(await versions(db)).toEqual([1]);
    expect(await tables(db)).not.toContain('notes');
    expect(await migrate(connector, [...MIGRATIONS, second])).toEqual({ applied: [2], version: 2 });
  });

  it('refuses a migration list that is not numbered 1, 2, 3... in order', async () => {
    const { connector } = fresh();

    await expect(migrate(connector, [{ ...second, version: 3 }])).rejects.toBeInstanceOf(
      PostgresMigrationError,
    );
  });
});
