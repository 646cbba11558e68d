/** One versioned change of the schema: statements applied together in one transaction. */
export interface Migration {
  /** 1, 2, 3...: applied in order, each once. */
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * The store's schema, version by version (docs/postgres-design.md explains each table). A change
 * to the schema is a new migration appended here, never an edit of one already released.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create_activity_tables',
    statements: [
      // The source of truth: one row per (user, event id). `body` is the event as JSON text (text,
      // not jsonb: jsonb refuses the escape \u0000 and would rewrite numbers); the counted day,
      // type and quantity in millionths are kept beside it so counters can be rebuilt in SQL.
      `CREATE TABLE activity_events (
        user_id text NOT NULL,
        event_id text NOT NULL,
        day date NOT NULL,
        type text NOT NULL,
        occurred_ms bigint NOT NULL,
        quantity_micros bigint NOT NULL,
        body text NOT NULL,
        origin_shard text NOT NULL,
        origin_sequence text NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, event_id)
      )`,
      'CREATE INDEX activity_events_by_time ON activity_events (user_id, occurred_ms)',
      // One row per user, day and type; numeric: sums have no ceiling.
      `CREATE TABLE activity_counters (
        user_id text NOT NULL,
        day date NOT NULL,
        type text NOT NULL,
        count bigint NOT NULL,
        quantity_micros numeric NOT NULL,
        PRIMARY KEY (user_id, day, type)
      )`,
      // Rejected records, one per (record, reason), until `expires_at` (epoch ms); `event_id` when
      // the record named one, so the event trace finds every arrival of a key.
      `CREATE TABLE activity_quarantine (
        user_id text NOT NULL,
        record_id text NOT NULL,
        event_id text,
        reason text NOT NULL,
        quarantined_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        seq bigserial NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (user_id, record_id, reason)
      )`,
      'CREATE INDEX activity_quarantine_latest ON activity_quarantine (user_id, quarantined_at DESC, seq DESC)',
      'CREATE INDEX activity_quarantine_expiry ON activity_quarantine (expires_at)',
      'CREATE INDEX activity_quarantine_by_key ON activity_quarantine (user_id, event_id) WHERE event_id IS NOT NULL',
    ],
  },
];
