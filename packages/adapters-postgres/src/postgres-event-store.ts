import {
  type ActivityEvent,
  type Claim,
  type Clock,
  type CounterRepair,
  type CounterTally,
  counterDrift,
  DAY_MS,
  type DailyCounter,
  type DayRange,
  DEFAULT_QUARANTINE_RETENTION_DAYS,
  dailyCountersOfTallies,
  dayKeyOf,
  type EventStore,
  firstOccurrences,
  occurredAtMs,
  type PositionedEvent,
  planAppend,
  type QuarantinedRecord,
  systemClock,
  toQuantityMicros,
} from '@activity-history/core';
import type { NamedStatement, PostgresConnector, PostgresSession } from './postgres-connection.js';
import { isContentRefusal, refusalMessage, sqlStateOf, toEventStoreError } from './postgres-failure.js';

/** Options of {@link createPostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** Where the statements go: a `pg` `Pool`, or `exclusiveSession(connection)`. */
  readonly connector: PostgresConnector;
  /** Decides when quarantined records expire. Defaults to the system clock. */
  readonly clock?: Clock;
  /** How long a quarantined record stays readable, milliseconds; core's 30 days by default. */
  readonly quarantineRetentionMs?: number;
}

/** The PostgreSQL event store: the port, and the sweep of expired quarantined records. */
export interface PostgresEventStore extends EventStore {
  /** Deletes the quarantined records whose retention has passed; resolves to how many. */
  deleteExpiredQuarantine(): Promise<number>;
}

/** A write statement starts with its kind, so that test support can tell writes apart. */
const CLAIM = `/* claim */ WITH claimed AS (
  INSERT INTO activity_events
    (user_id, event_id, day, type, occurred_ms, quantity_micros, body, origin_shard, origin_sequence)
  VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (user_id, event_id) DO NOTHING
  RETURNING 1
)
SELECT true AS stored, NULL::text AS body, NULL::text AS origin_shard, NULL::text AS origin_sequence FROM claimed
UNION ALL
SELECT false, body, origin_shard, origin_sequence FROM activity_events
WHERE user_id = $1 AND event_id = $2 AND NOT EXISTS (SELECT 1 FROM claimed)`;

const ADD_TO_COUNTER = `/* counter */ INSERT INTO activity_counters (user_id, day, type, count, quantity_micros)
VALUES ($1, $2::date, $3, $4, $5::numeric)
ON CONFLICT (user_id, day, type) DO UPDATE SET
  count = activity_counters.count + EXCLUDED.count,
  quantity_micros = activity_counters.quantity_micros + EXCLUDED.quantity_micros`;

const COUNTERS_IN = `SELECT to_char(day, 'YYYY-MM-DD') AS day, type, count::text AS count,
  quantity_micros::text AS quantity_micros
FROM activity_counters WHERE user_id = $1 AND day >= $2::date AND day < $3::date`;

const EVENT_TALLIES_IN = `SELECT to_char(day, 'YYYY-MM-DD') AS day, type, count(*)::text AS count,
  sum(quantity_micros)::text AS quantity_micros
FROM activity_events WHERE user_id = $1 AND occurred_ms >= $2 AND occurred_ms < $3
GROUP BY day, type`;

/**
 * Serializes one user's transactions (appends and repairs); other users' go on in parallel. The
 * two-key form keeps the store's locks in a space of their own (first key 1634205697), apart from other
 * applications' advisory locks on the same database.
 */
const LOCK_USER = 'SELECT pg_advisory_xact_lock(1634205697, hashtext($1))';

/**
 * The statements sent for every append and every history read go by name, so that `pg` prepares
 * each once per connection (see `NamedStatement`); the names are the store's own.
 */
const named = (name: string, text: string, values: unknown[]): NamedStatement => ({
  name: `activity-history:${name}`,
  text,
  values,
});

interface TallyRow {
  readonly day: string;
  readonly type: string;
  readonly count: string;
  readonly quantity_micros: string;
}

interface ClaimRow {
  readonly stored: boolean;
  readonly body: string | null;
  readonly origin_shard: string | null;
  readonly origin_sequence: string | null;
}

const talliesOf = (userId: string, rows: readonly unknown[]): CounterTally[] =>
  (rows as TallyRow[]).map((row) => ({
    userId,
    day: row.day,
    type: row.type,
    count: Number(row.count),
    quantityMicros: BigInt(row.quantity_micros),
  }));

const tallyId = (tally: { day: string; type: string }) => JSON.stringify([tally.day, tally.type]);

/** A claim statement met a value PostgreSQL cannot store: the append starts again without it. */
class ClaimRefused {
  constructor(
    readonly key: string,
    readonly message: string,
  ) {}
}

const keyOf = (event: ActivityEvent) => JSON.stringify([event.userId, event.eventId]);

/**
 * The event store on PostgreSQL. One user's append is one transaction under an advisory lock on
 * the user: each event is inserted if its key is free (`ON CONFLICT DO NOTHING`; a taken key
 * returns the stored version, judged with core's `sameContent`), then the (day, type) counters
 * take exactly the events this transaction inserted, in `numeric` millionths, and both commit
 * together. A crash, a lost answer or a redelivery therefore cannot count an event twice or leave
 * one uncounted: an event is stored if and only if it is counted. Repair rebuilds counters from
 * the events in SQL under the same lock. docs/postgres-design.md gives the statements and costs.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString });
 * await migrate(pool);
 * const store = createPostgresEventStore({ connector: pool });
 * await store.append([{ event, position: { shard: 'shardId-000000000000', sequence: '1' } }]);
 * ```
 */
export const createPostgresEventStore = (options: PostgresEventStoreOptions): PostgresEventStore => {
  const { connector } = options;
  const clock = options.clock ?? systemClock;
  const retentionMs = options.quarantineRetentionMs ?? DEFAULT_QUARANTINE_RETENTION_DAYS * DAY_MS;

  /** Runs `work` on a session of its own, translating failures at the boundary. */
  const withSession = async <T>(operation: string, work: (session: PostgresSession) => Promise<T>) => {
    let session: PostgresSession;
    try {
      session = await connector.connect();
    } catch (error) {
      throw toEventStoreError(error, operation);
    }
    let broken: Error | undefined;
    // The connection's own failure also fails the statement under way, which reports it; the
    // listener only keeps the event from ending the process, and the connection from the pool.
    const onError = (error: Error) => {
      broken ??= error;
    };
    session.on?.('error', onError);
    try {
      return await work(session);
    } catch (error) {
      if (error instanceof ClaimRefused) throw error;
      // A failure without a SQLSTATE is the connection's: a pool should not hand it out again.
      if (sqlStateOf(error) === null && error instanceof Error) broken ??= error;
      throw toEventStoreError(error, operation);
    } finally {
      session.removeListener?.('error', onError);
      session.release(broken);
    }
  };

  /**
   * One transaction of one user. The BEGIN names the kinds of write it may make, for test
   * support (a held write is held with its transaction, before it takes any lock).
   */
  const transaction = <T>(
    operation: string,
    userId: string,
    writes: string,
    work: (session: PostgresSession) => Promise<T>,
  ): Promise<T> =>
    withSession(operation, async (session) => {
      await session.query(`BEGIN /* writes: ${writes} */`);
      try {
        await session.query(named('lock user', LOCK_USER, [userId]));
        const result = await work(session);
        await session.query('COMMIT');
        return result;
      } catch (error) {
        // After a lost answer to COMMIT there is no transaction left: ROLLBACK only warns.
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });

  const claimIn = async (session: PostgresSession, { event, position }: PositionedEvent): Promise<Claim> => {
    const ms = occurredAtMs(event);
    try {
      const { rows } = await session.query(
        named('claim', CLAIM, [
          event.userId,
          event.eventId,
          dayKeyOf(ms),
          event.type,
          ms,
          String(toQuantityMicros(event.quantity)),
          JSON.stringify(event),
          position.shard,
          position.sequence,
        ]),
      );
      const row = rows[0] as ClaimRow | undefined;
      if (row === undefined) throw new Error(`the claim of ${keyOf(event)} returned no row`);
      if (row.stored) return { kind: 'stored' };
      return {
        kind: 'taken',
        stored: JSON.parse(row.body!) as ActivityEvent,
        origin: { shard: row.origin_shard!, sequence: row.origin_sequence! },
      };
    } catch (error) {
      if (isContentRefusal(error)) throw new ClaimRefused(keyOf(event), refusalMessage(error));
      throw error;
    }
  };

  const appendOnce = (entries: readonly PositionedEvent[], refused: ReadonlyMap<string, string>) =>
    transaction('append', entries[0]!.event.userId, 'claim counter', async (session) => {
      const claims: Claim[] = [];
      const counters = new Map<
        string,
        { day: string; type: string; count: number; quantityMicros: bigint }
      >();
      for (const entry of firstOccurrences(entries)) {
        const message = refused.get(keyOf(entry.event));
        const claim: Claim =
          message === undefined ? await claimIn(session, entry) : { kind: 'refused', message };
        claims.push(claim);
        if (claim.kind !== 'stored') continue;
        // Counted: exactly the rows this transaction inserted.
        const day = dayKeyOf(occurredAtMs(entry.event));
        const id = tallyId({ day, type: entry.event.type });
        const counter = counters.get(id) ?? { day, type: entry.event.type, count: 0, quantityMicros: 0n };
        counter.count++;
        counter.quantityMicros += BigInt(toQuantityMicros(entry.event.quantity));
        counters.set(id, counter);
      }
      const userId = entries[0]!.event.userId;
      for (const counter of [...counters.values()].sort((a, b) => (tallyId(a) < tallyId(b) ? -1 : 1))) {
        await session.query(
          named('add to counter', ADD_TO_COUNTER, [
            userId,
            counter.day,
            counter.type,
            counter.count,
            counter.quantityMicros.toString(),
          ]),
        );
      }
      // Outcomes only: planAppend's contributions serve the watermark protocol, which a
      // transaction does not need (what it inserted it counted, in the same commit).
      return planAppend(entries, claims).outcomes;
    });

  return {
    async append(entries) {
      if (entries.length === 0) return [];
      const refused = new Map<string, string>();
      for (;;) {
        try {
          return await appendOnce(entries, refused);
        } catch (error) {
          // A refused value aborts the transaction: start again without that event (each
          // attempt refuses a new key, so this ends).
          if (!(error instanceof ClaimRefused)) throw error;
          refused.set(error.key, error.message);
        }
      }
    },

    async quarantine(records) {
      if (records.length === 0) return;
      await withSession('quarantine', (session) =>
        session.query(
          `/* quarantine */ INSERT INTO activity_quarantine
            (user_id, record_id, event_id, reason, quarantined_at, expires_at, body)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
          ON CONFLICT (user_id, record_id, reason) DO NOTHING`,
          [
            records.map((r) => r.userId),
            records.map((r) => r.recordId),
            records.map((r) => r.eventId),
            records.map((r) => r.reason),
            records.map((r) => r.quarantinedAt),
            records.map((r) => r.quarantinedAt + retentionMs),
            records.map((r) => JSON.stringify(r)),
          ],
        ),
      );
    },

    async readDailyCounters(userId, range: DayRange): Promise<DailyCounter[]> {
      const { rows } = await withSession('readDailyCounters', (session) =>
        session.query(named('counters in', COUNTERS_IN, [userId, dayKeyOf(range.from), dayKeyOf(range.to)])),
      );
      return dailyCountersOfTallies(talliesOf(userId, rows));
    },

    async readEvents(userId, range) {
      const { rows } = await withSession('readEvents', (session) =>
        session.query(
          `SELECT body FROM activity_events
          WHERE user_id = $1 AND occurred_ms >= $2 AND occurred_ms < $3
          ORDER BY occurred_ms, event_id`,
          [userId, range.from, range.to],
        ),
      );
      return (rows as { body: string }[]).map((row) => JSON.parse(row.body) as ActivityEvent);
    },

    async readQuarantine(userId, limit) {
      const { rows } = await withSession('readQuarantine', (session) =>
        session.query(
          `SELECT body FROM activity_quarantine WHERE user_id = $1 AND expires_at > $2
          ORDER BY quarantined_at DESC, seq DESC LIMIT $3`,
          [userId, clock.now(), Math.max(0, Math.floor(limit))],
        ),
      );
      return (rows as { body: string }[]).map((row) => JSON.parse(row.body) as QuarantinedRecord);
    },

    async readEvent(userId, eventId) {
      const { rows } = await withSession('readEvent', (session) =>
        session.query('SELECT body FROM activity_events WHERE user_id = $1 AND event_id = $2', [
          userId,
          eventId,
        ]),
      );
      const row = (rows as { body: string }[])[0];
      return row === undefined ? null : (JSON.parse(row.body) as ActivityEvent);
    },

    async readEventQuarantine(userId, eventId) {
      const { rows } = await withSession('readEventQuarantine', (session) =>
        session.query(
          `SELECT body FROM activity_quarantine WHERE user_id = $1 AND event_id = $2 AND expires_at > $3
          ORDER BY quarantined_at DESC, seq DESC`,
          [userId, eventId, clock.now()],
        ),
      );
      return (rows as { body: string }[]).map((row) => JSON.parse(row.body) as QuarantinedRecord);
    },

    repairCounters(userId, range): Promise<CounterRepair> {
      return transaction('repairCounters', userId, 'counter', async (session) => {
        const [fromDay, toDay] = [dayKeyOf(range.from), dayKeyOf(range.to)];
        const have = talliesOf(userId, (await session.query(COUNTERS_IN, [userId, fromDay, toDay])).rows);
        const want = talliesOf(
          userId,
          (await session.query(EVENT_TALLIES_IN, [userId, range.from, range.to])).rows,
        );
        const fixed = counterDrift(dailyCountersOfTallies(have), dailyCountersOfTallies(want));
        // Rewritten: every day where any (day, type) counter differs from its events.
        const wanted = new Map(want.map((t) => [tallyId(t), t]));
        const haveById = new Map(have.map((t) => [tallyId(t), t]));
        const days = new Set<string>();
        for (const t of have) {
          const w = wanted.get(tallyId(t));
          if (w === undefined || w.count !== t.count || w.quantityMicros !== t.quantityMicros)
            days.add(t.day);
        }
        for (const w of want) if (!haveById.has(tallyId(w))) days.add(w.day);
        if (days.size > 0) {
          const rewrite = want.filter((t) => days.has(t.day));
          await session.query(
            '/* counter */ DELETE FROM activity_counters WHERE user_id = $1 AND day = ANY($2::date[])',
            [userId, [...days]],
          );
          await session.query(
            `/* counter */ INSERT INTO activity_counters (user_id, day, type, count, quantity_micros)
            SELECT $1, * FROM unnest($2::date[], $3::text[], $4::bigint[], $5::numeric[])`,
            [
              userId,
              rewrite.map((t) => t.day),
              rewrite.map((t) => t.type),
              rewrite.map((t) => t.count),
              rewrite.map((t) => t.quantityMicros.toString()),
            ],
          );
        }
        return { userId, range, fixed };
      });
    },

    async deleteExpiredQuarantine() {
      const { rows } = await withSession('deleteExpiredQuarantine', (session) =>
        session.query(
          '/* quarantine */ WITH gone AS (DELETE FROM activity_quarantine WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
          [clock.now()],
        ),
      );
      return Number((rows[0] as { n: number | string }).n);
    },
  };
};
