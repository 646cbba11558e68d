import type { Queryable } from '@activity-history/adapters-postgres';
import type { ShardCheckpoints } from '@activity-history/delivery';

/** Checkpoints of one stream kept in PostgreSQL. */
export interface PostgresCheckpoints extends ShardCheckpoints {
  /** How many checkpoints of another life of the stream were found, and dropped, at open. */
  readonly discarded: number;
}

interface CheckpointRow {
  readonly shard_id: string;
  readonly stream_identity: string;
  readonly sequence_number: string;
}

/**
 * Opens the checkpoints of one stream from the `delivery_checkpoints` table (see
 * `ensureDeliveryTables`), so a container that is replaced resumes each partition where
 * processing stood. Reads them all at open (the engine asks synchronously); each save is one
 * upsert, resolved once committed. Checkpoints written for another `identity` of the stream (one
 * deleted and created again starts its sequences over) are deleted and counted in `discarded`:
 * starting such a partition at its oldest record is safe, the store counts a redelivery once.
 *
 * @example
 * ```ts
 * const checkpoints = await openPostgresCheckpoints(pool, { stream: 'activity-events', identity: await source.identity() });
 * ```
 */
export const openPostgresCheckpoints = async (
  db: Queryable,
  target: { readonly stream: string; readonly identity: string },
): Promise<PostgresCheckpoints> => {
  const { rows } = await db.query(
    'SELECT shard_id, stream_identity, sequence_number FROM delivery_checkpoints WHERE stream = $1',
    [target.stream],
  );
  const found = rows as readonly CheckpointRow[];
  const stale = found.filter((row) => row.stream_identity !== target.identity);
  if (stale.length > 0) {
    await db.query('DELETE FROM delivery_checkpoints WHERE stream = $1 AND stream_identity <> $2', [
      target.stream,
      target.identity,
    ]);
  }
  const shards = new Map(
    found
      .filter((row) => row.stream_identity === target.identity)
      .map((row) => [row.shard_id, row.sequence_number]),
  );
  return {
    discarded: stale.length,
    get: (shardId) => shards.get(shardId) ?? null,
    async save(shardId, sequenceNumber) {
      await db.query(
        `INSERT INTO delivery_checkpoints (stream, shard_id, stream_identity, sequence_number)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (stream, shard_id) DO UPDATE
           SET stream_identity = excluded.stream_identity, sequence_number = excluded.sequence_number, updated_at = now()`,
        [target.stream, shardId, target.identity, sequenceNumber],
      );
      shards.set(shardId, sequenceNumber);
    },
  };
};
