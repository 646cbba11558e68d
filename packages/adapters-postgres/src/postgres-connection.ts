/**
 * What the store needs of a PostgreSQL driver: statements with positional parameters, on a
 * session of its own for a transaction. `pg`'s `Pool` is a {@link PostgresConnector} as it is;
 * a single connection (a `pg` `Client`, a PGlite database) becomes one with {@link exclusiveSession}.
 */

/** Runs one statement: `pg`'s and PGlite's `query(text, params)` have this shape. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>;
}

/**
 * A statement sent under a name: `pg` prepares it once per connection and afterwards sends only
 * its parameters, so PostgreSQL neither parses nor plans it again (for the store's claims and
 * counters, half of the server's CPU per event). The text of a name never changes.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

/** A session of the caller's own until released: a transaction's statements all go through it. */
export interface PostgresSession extends Queryable {
  query(text: string, params?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>;
  /** A named statement, as `pg`'s `query({ name, text, values })`. */
  query(statement: NamedStatement): Promise<{ readonly rows: readonly unknown[] }>;
  /** Gives the session back; with an error, a pool discards the connection instead. */
  release(error?: Error): void;
  /**
   * `pg`'s pooled clients are event emitters: a connection lost while the session is held (the
   * server terminated the backend, the socket broke) is also emitted as `error`, and an `error`
   * event that nobody listens to ends the process. The store listens while it holds a session.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** Hands out sessions: a `pg` `Pool`, or {@link exclusiveSession} over one connection. */
export interface PostgresConnector {
  connect(): Promise<PostgresSession>;
}

/**
 * Turns one connection (a PGlite database, a `pg` `Client`) into a connector whose sessions take
 * turns: a session holds the connection from its first statement until it is released, so the
 * statements of two transactions never interleave on the one connection. A named statement is
 * sent as its text (PGlite has no named statements, and runs in process: it has no round trip
 * to save).
 *
 * @example
 * ```ts
 * const store = createPostgresEventStore({ connector: exclusiveSession(new PGlite()) });
 * ```
 */
export const exclusiveSession = (connection: Queryable): PostgresConnector => {
  let tail: Promise<void> = Promise.resolve();
  return {
    connect: async () => {
      let free: (() => void) | null = null;
      return {
        async query(statement: string | NamedStatement, params?: unknown[]) {
          if (free === null) {
            // The turn is taken at the first statement: a session waiting before it holds nothing.
            const before = tail;
            let done = () => {};
            tail = new Promise<void>((resolve) => {
              done = resolve;
            });
            free = done;
            await before;
          }
          return typeof statement === 'string'
            ? connection.query(statement, params)
            : connection.query(statement.text, statement.values);
        },
        release() {
          const done = free;
          free = null;
          done?.();
        },
      };
    },
  };
};
