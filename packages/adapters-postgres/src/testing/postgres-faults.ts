import {
  createWriteFaults,
  type DayKey,
  type HeldWrite,
  type Summary,
  type WriteFault,
  type WriteKind,
} from '@activity-history/core';
import type { NamedStatement, PostgresConnector, PostgresSession } from '../postgres-connection.js';

/** Fault switches on a connector, see {@link injectPostgresFaults}. */
export interface PostgresFaults {
  /** The connector to give the store: its sessions pass every write through the switches. */
  readonly connector: PostgresConnector;
  /** Arms a write fault (core's `WriteFault`); it replaces one armed before. */
  injectWriteFault(fault: WriteFault): void;
  /** Disarms the write fault. */
  disarm(): void;
  /**
   * Holds the next write of a kind until released: a zombie whose write lands late. A write
   * inside a transaction is held with its whole transaction, before it begins (see below).
   */
  holdNextWrite(kind: WriteKind): HeldWrite;
  /** Clears the fault and releases every held write. */
  clear(): void;
  /** Write statements (and COMMITs) sent so far. */
  writes(): number;
}

const WRITE = /^\/\* (claim|counter|quarantine) \*\//;
const BEGIN = /^BEGIN \/\* writes: ([a-z ]+) \*\//;

/**
 * Wraps a connector so that the statements of its sessions reach the real database through core's
 * write faults: a crash (no later write is sent), a lost answer (the write, or the COMMIT, is
 * applied, then the caller sees `ECONNRESET`), one failed write among successful ones, and a
 * held write. Writes are the statements the store tags with their kind, and COMMIT.
 *
 * A held write inside a transaction would hold the transaction's locks, and the writer it races
 * would wait on them (as it would in production, where a zombie's transaction either commits
 * before the redelivery reads or not at all). So a transaction that may write a held kind is
 * held before its BEGIN: the zombie's writes land late, all together, which is the only order
 * PostgreSQL allows.
 *
 * @example
 * ```ts
 * const faults = injectPostgresFaults(exclusiveSession(new PGlite()));
 * const store = createPostgresEventStore({ connector: faults.connector });
 * faults.injectWriteFault({ kind: 'lostAnswer', atWrite: 3 });
 * ```
 */
export const injectPostgresFaults = (connector: PostgresConnector): PostgresFaults => {
  const faults = createWriteFaults((what) =>
    Object.assign(new Error(`injected fault: ${what}`), { code: 'ECONNRESET' }),
  );
  // Never armed: only its holds are used, so passing them counts no write.
  const holds = createWriteFaults((what) => new Error(what));
  let writes = 0;
  const wrap = (session: PostgresSession): PostgresSession => {
    let transaction: WriteKind[] | null = null;
    const pass = (statement: string | NamedStatement, params?: unknown[]) =>
      typeof statement === 'string' ? session.query(statement, params) : session.query(statement);
    return {
      release: (error) => session.release(error),
      async query(statement: string | NamedStatement, params?: unknown[]) {
        const text = typeof statement === 'string' ? statement : statement.text;
        const send = () => {
          writes++;
          return pass(statement, params);
        };
        const begin = BEGIN.exec(text);
        if (begin !== null) {
          const kinds = begin[1]!.split(' ') as WriteKind[];
          for (const kind of kinds) await holds.run(kind, async () => undefined);
          transaction = kinds;
          return pass(statement, params);
        }
        if (/^ROLLBACK\b/.test(text)) {
          transaction = null;
          return pass(statement, params);
        }
        if (/^COMMIT\b/.test(text)) {
          const kind = transaction?.[0] ?? 'claim';
          transaction = null;
          return faults.run(kind, send);
        }
        const write = WRITE.exec(text);
        if (write === null) return pass(statement, params);
        const kind = write[1] as WriteKind;
        if (transaction === null) await holds.run(kind, async () => undefined);
        return faults.run(kind, send);
      },
    };
  };
  return {
    connector: { connect: async () => wrap(await connector.connect()) },
    injectWriteFault: faults.inject,
    disarm: faults.disarm,
    holdNextWrite: holds.hold,
    clear: () => {
      faults.clear();
      holds.clear();
    },
    writes: () => writes,
  };
};

/**
 * Overwrites (or deletes, with `null`) the counters of a user-day behind the store's back, as a
 * bug or a hand edit would.
 *
 * @example
 * ```ts
 * await tamperPostgresCounter(connector, 'u-1', '2026-03-02', null); // the day's counters are gone
 * ```
 */
export const tamperPostgresCounter = async (
  connector: PostgresConnector,
  userId: string,
  day: DayKey,
  summary: Summary | null,
): Promise<void> => {
  const session = await connector.connect();
  try {
    await session.query('DELETE FROM activity_counters WHERE user_id = $1 AND day = $2::date', [userId, day]);
    for (const [type, tally] of summary?.byType ?? []) {
      await session.query(
        'INSERT INTO activity_counters (user_id, day, type, count, quantity_micros) VALUES ($1, $2::date, $3, $4, $5::numeric)',
        [userId, day, type, tally.count, tally.quantityMicros.toString()],
      );
    }
  } finally {
    session.release();
  }
};
