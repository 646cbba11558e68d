import {
  type ActivityEvent,
  DAY_MS,
  dayRange,
  EventStoreError,
  type QuarantinedRecord,
} from '@activity-history/core';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { exclusiveSession, type PostgresConnector } from './postgres-connection.js';
import { createPostgresEventStore } from './postgres-event-store.js';

const range = (from: string, to: string) => {
  const r = dayRange(Date.parse(from), Date.parse(to));
  if (!r.ok) throw new Error('bad range');
  return r.value;
};
const ALL = range('2000-01-01T00:00:00Z', '2031-01-01T00:00:00Z');

const event = (userId: string, eventId: string, overrides: Partial<ActivityEvent> = {}): ActivityEvent => ({
  eventId,
  userId,
  type: 'x',
  occurredAt: '2026-03-01T12:00:00.000Z',
  quantity: 1,
  attributes: {},
  ...overrides,
});
let sequence = 0;
const records = (events: readonly ActivityEvent[]) =>
  events.map((e) => ({ event: e, position: { shard: 'shardId-0', sequence: String(++sequence) } }));

let db: PGlite;
let connector: PostgresConnector;
beforeAll(async () => {
  db = new PGlite();
  connector = exclusiveSession(db);
  await migrate(connector);
});
afterAll(() => db.close());

describe('the PostgreSQL event store', () => {
  it('refuses an event PostgreSQL cannot store, and stores and counts the rest of the batch', async () => {
    const store = createPostgresEventStore({ connector });
    // text cannot hold U+0000: PostgreSQL refuses the value (SQLSTATE 22021).
    const unstorable = event('u-refused', 'e-2', { type: 'bad\u0000type' });
    const batch = [event('u-refused', 'e-1'), unstorable, event('u-refused', 'e-3'), unstorable];

    const outcomes = await store.append(records(batch));

    expect(outcomes.map((o) => o.kind)).toEqual(['new', 'refused', 'new', 'refused']);
    expect(outcomes[1]).toMatchObject({ message: expect.stringMatching(/SQLSTATE 22/) });
    expect((await store.readEvents('u-refused', ALL)).map((e) => e.eventId)).toEqual(['e-1', 'e-3']);
    expect((await store.readDailyCounters('u-refused', ALL))[0]?.summary.count).toBe(2);
  });

  it('keeps an attribute holding U+0000 and numbers past 2^53 as they were (events are JSON text)', async () => {
    const store = createPostgresEventStore({ connector });
    const stored = event('u-text', 'e-1', {
      attributes: { note: 'a\u0000b', big: 2 ** 60 + 2 ** 10, tiny: 1e-130, flag: false },
    });

    expect(await store.append(records([stored]))).toEqual([{ kind: 'new' }]);

    expect(await store.readEvents('u-text', ALL)).toEqual([stored]);
  });

  it('hides quarantined records past their retention, and deletes them on request', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => now, sleep: async () => {} };
    const store = createPostgresEventStore({ connector, clock, quarantineRetentionMs: DAY_MS });
    const record = (recordId: string, quarantinedAt: number): QuarantinedRecord => ({
      userId: 'u-retention',
      eventId: null,
      reason: 'malformed_record',
      errors: [],
      payload: '{',
      quarantinedAt,
      recordId,
      correlationId: null,
    });
    await store.quarantine([record('r-old', now - DAY_MS), record('r-new', now - 1)]);

    expect((await store.readQuarantine('u-retention', 10)).map((r) => r.recordId)).toEqual(['r-new']);
    expect(await store.deleteExpiredQuarantine()).toBe(1);
    now += DAY_MS;
    expect(await store.readQuarantine('u-retention', 10)).toEqual([]);
    expect(await store.deleteExpiredQuarantine()).toBe(1);
    expect(
      (await db.query('SELECT 1 FROM activity_quarantine WHERE user_id = $1', ['u-retention'])).rows,
    ).toEqual([]);
  });

  it('answers a year of counters from one row per day and type, whatever the number of events', async () => {
    const store = createPostgresEventStore({ connector });
    const events = Array.from({ length: 300 }, (_, i) =>
      event('u-year', `e-${i}`, { occurredAt: `2026-0${1 + (i % 3)}-1${i % 10}T08:00:00.000Z` }),
    );
    await store.append(records(events));

    const rows = await db.query('SELECT 1 FROM activity_counters WHERE user_id = $1', ['u-year']);
    const days = await store.readDailyCounters('u-year', range('2026-01-01', '2027-01-01'));

    expect(rows.rows).toHaveLength(30);
    expect(days).toHaveLength(30);
    expect(days.reduce((sum, day) => sum + day.summary.count, 0)).toBe(300);
  });

  it('fails non-retryably when its tables are missing (an unmigrated database)', async () => {
    const bare = new PGlite();
    const store = createPostgresEventStore({ connector: exclusiveSession(bare) });

    const failure = await store.append(records([event('u-1', 'e-1')])).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EventStoreError);
    expect((failure as EventStoreError).failure).toBe('failed');
    expect((failure as EventStoreError).message).toMatch(/42P01/);
    await bare.close();
  });

  it('fails retryably when the connection cannot be had', async () => {
    const store = createPostgresEventStore({
      connector: {
        connect: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        },
      },
    });

    const failure = await store.readEvents('u-1', ALL).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EventStoreError);
    expect((failure as EventStoreError).failure).toBe('unavailable');
  });
});

describe('exclusiveSession', () => {
  it("never interleaves two sessions' transactions on the one connection", async () => {
    const sessions = exclusiveSession(db);
    await db.query('CREATE TABLE turns (n integer)');
    const transaction = async (n: number) => {
      const session = await sessions.connect();
      try {
        await session.query('BEGIN');
        await session.query('INSERT INTO turns VALUES ($1)', [n]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await session.query('INSERT INTO turns VALUES ($1)', [n]);
        await session.query('COMMIT');
      } finally {
        session.release();
      }
    };

    await Promise.all([transaction(1), transaction(2), transaction(3)]);

    const { rows } = await db.query<{ n: number }>('SELECT n FROM turns');
    const order = rows.map((row) => row.n);
    expect(order.filter((_, i) => i % 2 === 0)).toEqual(order.filter((_, i) => i % 2 === 1));
  });
});
