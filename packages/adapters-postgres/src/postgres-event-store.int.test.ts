import { type ActivityEvent, DAY_MS, dayRange, EventStoreError } from '@activity-history/core';
import { describeEventStoreContract } from '@activity-history/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import type { PostgresConnector } from './postgres-connection.js';
import { createPostgresEventStore } from './postgres-event-store.js';
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from './testing/embedded-postgres-server.js';
import { postgresHarness } from './testing/postgres-harness.js';

/** A real PostgreSQL 18 server for this file. */
let started: Promise<EmbeddedPostgresServer> | undefined;
const pools: pg.Pool[] = [];
/** Errors the pools' idle connections reported, but for the server's own shutdown at the end. */
const idleErrors: Error[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await (await started)?.stop();
  expect(idleErrors).toEqual([]);
});

let databases = 0;
/** A fresh database of the shared server, migrated, behind a pool of `max` real connections. */
const freshDatabase = async (max = 8): Promise<pg.Pool> => {
  started ??= startEmbeddedPostgres();
  const server = await started;
  const name = `suite_${databases++}`;
  await server.createDatabase(name);
  const pool = new pg.Pool({ connectionString: server.urlOf(name), max });
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

describe('postgres store on a connection dropped mid-transaction', () => {
  const DAY = Date.UTC(2026, 2, 1);
  const event = (i: number): ActivityEvent => ({
    eventId: `e-${i}`,
    userId: 'u-1',
    type: 'track.played',
    occurredAt: new Date(DAY + i * 60_000).toISOString(),
    quantity: 2,
    attributes: {},
  });
  const position = (i: number) => ({ shard: 'activity.0', sequence: String(i) });
  const entries = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, k) => ({
      event: event(from + k),
      position: position(from + k),
    }));

  /** The backend waiting for a lock on the user's counter row: the append, inside its transaction. */
  const waitingAppend = async (pool: pg.Pool): Promise<number> => {
    for (let tries = 0; tries < 200; tries++) {
      const { rows } = await pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '/* counter */%'`,
      );
      if (rows[0] !== undefined) return rows[0].pid;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the append never waited for the counter row');
  };

  it('fails the append as unavailable, keeps none of its writes, and a retry counts each event once', async () => {
    const pool = await freshDatabase();
    const store = createPostgresEventStore({ connector: pool });
    const range = dayRange(DAY, DAY + DAY_MS);
    if (!range.ok) throw new Error('a day is a range');
    expect((await store.append(entries(1, 3))).map((o) => o.kind)).toEqual(['new', 'new', 'new']);
    // Another session holds the user's counter row, so the append's transaction stops at its
    // counter upsert, after its claims inserted the new events: the worst place to lose it.
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM activity_counters WHERE user_id = 'u-1' FOR UPDATE`);

    const append = store.append(entries(3, 8));
    const pid = await waitingAppend(pool);
    const { rows: written } = await pool.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM pg_locks
       WHERE pid = $1 AND relation = 'activity_events'::regclass AND mode = 'RowExclusiveLock'`,
      [pid],
    );
    await pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const failure = await append.then(
      () => null,
      (error: unknown) => error,
    );
    const eventsAfterDrop = await store.readEvents('u-1', range.value);
    const countersAfterDrop = await store.readDailyCounters('u-1', range.value);
    await holder.query('ROLLBACK');
    holder.release();
    const retried = await store.append(entries(3, 8));

    expect(written[0]?.count).toBe('1');
    expect(failure).toBeInstanceOf(EventStoreError);
    expect((failure as EventStoreError).failure).toBe('unavailable');
    expect(eventsAfterDrop.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(countersAfterDrop.map((c) => c.summary.count)).toEqual([3]);
    expect(retried.map((o) => o.kind)).toEqual(['duplicate', 'new', 'new', 'new', 'new', 'new']);
    expect((await store.readEvents('u-1', range.value)).map((e) => e.eventId)).toEqual([
      'e-1',
      'e-2',
      'e-3',
      'e-4',
      'e-5',
      'e-6',
      'e-7',
      'e-8',
    ]);
    const [counter] = await store.readDailyCounters('u-1', range.value);
    expect(counter?.summary.count).toBe(8);
    expect(counter?.summary.quantityMicros).toBe(16_000_000n);
  });
});

describe('postgres store over a pg connection', () => {
  it('prepares its append and history statements once per connection and runs them again by name', async () => {
    // One connection, so that every statement below meets the statements prepared before it.
    const single = await freshDatabase(1);
    const store = createPostgresEventStore({ connector: single });
    const DAY = Date.UTC(2026, 2, 1);
    const entry = (user: string, i: number) => ({
      event: {
        eventId: `e-${i}`,
        userId: user,
        type: i % 2 === 0 ? 'track.played' : 'page.read',
        occurredAt: new Date(DAY + i * 60_000).toISOString(),
        quantity: 1,
        attributes: {},
      } satisfies ActivityEvent,
      position: { shard: 'activity.0', sequence: String(i) },
    });
    const range = dayRange(DAY, DAY + DAY_MS);
    if (!range.ok) throw new Error('a day is a range');

    await store.append([1, 2, 3].map((i) => entry('u-1', i)));
    await store.append([4, 5].map((i) => entry('u-2', i)));
    await store.readDailyCounters('u-1', range.value);
    await store.readDailyCounters('u-2', range.value);
    const { rows } = await single.query<{ name: string; runs: number }>(
      `SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements ORDER BY name`,
    );

    expect(rows).toEqual([
      { name: 'activity-history:add to counter', runs: 4 },
      { name: 'activity-history:claim', runs: 5 },
      { name: 'activity-history:counters in', runs: 2 },
      { name: 'activity-history:lock user', runs: 2 },
    ]);
  });
});
