import type { Queryable } from '@activity-history/adapters-postgres';
import type { DeadLetterDestination } from '@activity-history/delivery';

/**
 * Opens the dead-letter destination of one stream in the `delivery_dead_letters` table (see
 * `ensureDeliveryTables`): the records themselves (data, partition key, position, arrival) with why
 * and when they were given up on, one row each, all of a batch in one statement, so they can be
 * replayed by hand after the stream's retention dropped them. The depth is counted at open and
 * kept up as records are added.
 *
 * @example
 * ```ts
 * const deadLetters = await openPostgresDeadLetters(pool, 'activity-events');
 * deadLetters.depth(); // 0
 * ```
 */
export const openPostgresDeadLetters = async (
  db: Queryable,
  stream: string,
): Promise<DeadLetterDestination> => {
  const { rows } = await db.query(
    'SELECT count(*)::int AS depth FROM delivery_dead_letters WHERE stream = $1',
    [stream],
  );
  let depth = Number((rows[0] as { depth: number | string }).depth);
  return {
    async add(batch) {
      if (batch.records.length === 0) return;
      const params: unknown[] = [
        stream,
        batch.shardId,
        batch.reason,
        batch.attempts,
        batch.lastError,
        new Date(batch.at),
      ];
      const values = batch.records.map((record) => {
        params.push(
          record.recordId,
          record.partitionKey,
          Buffer.from(record.data),
          new Date(record.arrivedAt),
        );
        const n = params.length;
        return `($1, $2, $${n - 3}, $${n - 2}, $${n - 1}, $${n}, $3, $4, $5, $6)`;
      });
      await db.query(
        `INSERT INTO delivery_dead_letters
           (stream, shard_id, sequence_number, partition_key, data, arrived_at, reason, attempts, last_error, dead_lettered_at)
         VALUES ${values.join(', ')}`,
        params,
      );
      depth += batch.records.length;
    },
    depth: () => depth,
  };
};
