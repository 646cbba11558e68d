import type { Queryable } from '@activity-history/adapters-postgres';

/**
 * The runtime's own tables beside the store's: each partition's checkpoint, and the records given
 * up on. They are not among the store's versioned migrations (those number the store's schema
 * alone); each statement is idempotent, so every start runs them and a second replica starting at
 * the same time is harmless.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS delivery_checkpoints (
    stream text NOT NULL,
    shard_id text NOT NULL,
    stream_identity text NOT NULL,
    sequence_number text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, shard_id)
  )`,
  `CREATE TABLE IF NOT EXISTS delivery_dead_letters (
    id bigserial PRIMARY KEY,
    stream text NOT NULL,
    shard_id text NOT NULL,
    sequence_number text NOT NULL,
    partition_key text NOT NULL,
    data bytea NOT NULL,
    arrived_at timestamptz NOT NULL,
    reason text NOT NULL,
    attempts integer NOT NULL,
    last_error text NOT NULL,
    dead_lettered_at timestamptz NOT NULL
  )`,
  'CREATE INDEX IF NOT EXISTS delivery_dead_letters_stream ON delivery_dead_letters (stream, id)',
];

/**
 * Creates the checkpoint and dead-letter tables when missing.
 *
 * @example
 * ```ts
 * await ensureDeliveryTables(pool);
 * ```
 */
export const ensureDeliveryTables = async (db: Queryable): Promise<void> => {
  for (const statement of STATEMENTS) await db.query(statement);
};
