import { exclusiveSession, type Queryable } from '@activity-history/adapters-postgres';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureDeliveryTables } from './delivery-tables.js';
import { openPostgresCheckpoints } from './postgres-checkpoints.js';
import { openPostgresDeadLetters } from './postgres-dead-letters.js';

// One database for the file (PGlite takes seconds to start), emptied before each test.
let pglite: PGlite;
let db: Queryable;
beforeAll(async () => {
  pglite = new PGlite();
  db = await exclusiveSession(pglite).connect();
  await ensureDeliveryTables(db);
  // Idempotent: every start runs it.
  await ensureDeliveryTables(db);
});
beforeEach(async () => {
  await db.query('TRUNCATE delivery_checkpoints, delivery_dead_letters');
});
afterAll(async () => {
  await pglite.close();
});

const stream = 'activity-events';

describe('openPostgresCheckpoints', () => {
  it('keeps each shard checkpoint across a reopen, per stream', async () => {
    const checkpoints = await openPostgresCheckpoints(db, { stream, identity: 'activity-events@t1' });
    await checkpoints.save('activity-events.0', '17');
    await checkpoints.save('activity-events.0', '42');
    await checkpoints.save('activity-events.1', '7');
    await (await openPostgresCheckpoints(db, { stream: 'other', identity: 'other@t1' })).save(
      'other.0',
      '99',
    );

    const reopened = await openPostgresCheckpoints(db, { stream, identity: 'activity-events@t1' });

    expect(checkpoints.get('activity-events.0')).toBe('42');
    expect(reopened.discarded).toBe(0);
    expect(reopened.get('activity-events.0')).toBe('42');
    expect(reopened.get('activity-events.1')).toBe('7');
    expect(reopened.get('other.0')).toBeNull();
  });

  it('drops the checkpoints of another life of the stream', async () => {
    await (await openPostgresCheckpoints(db, { stream, identity: 'activity-events@t1' })).save(
      'activity-events.0',
      '42',
    );

    const recreated = await openPostgresCheckpoints(db, { stream, identity: 'activity-events@t2' });
    const again = await openPostgresCheckpoints(db, { stream, identity: 'activity-events@t2' });

    expect(recreated.discarded).toBe(1);
    expect(recreated.get('activity-events.0')).toBeNull();
    expect(again.discarded).toBe(0);
  });
});

describe('openPostgresDeadLetters', () => {
  it('keeps the records given up on, and their depth across a reopen', async () => {
    const deadLetters = await openPostgresDeadLetters(db, stream);
    const records = ['1', '2', '3'].map((recordId) => ({
      recordId,
      shard: 'activity-events.0',
      partitionKey: 'u-1',
      data: new TextEncoder().encode(`{"n":${recordId}}`),
      arrivedAt: Date.UTC(2026, 2, 1),
    }));

    await deadLetters.add({
      shardId: 'activity-events.0',
      records,
      reason: 'retries_exhausted',
      attempts: 21,
      lastError: 'store unavailable',
      at: Date.UTC(2026, 2, 1, 0, 10),
    });
    const reopened = await openPostgresDeadLetters(db, stream);
    const { rows } = await db.query(
      "SELECT sequence_number, partition_key, convert_from(data, 'UTF8') AS data, reason, attempts FROM delivery_dead_letters ORDER BY id",
    );

    expect(deadLetters.depth()).toBe(3);
    expect(reopened.depth()).toBe(3);
    expect((await openPostgresDeadLetters(db, 'other')).depth()).toBe(0);
    expect(rows).toEqual(
      ['1', '2', '3'].map((n) => ({
        sequence_number: n,
        partition_key: 'u-1',
        data: `{"n":${n}}`,
        reason: 'retries_exhausted',
        attempts: 21,
      })),
    );
  });
});
