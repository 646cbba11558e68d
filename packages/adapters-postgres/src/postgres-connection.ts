/**
 * What the store needs of a PostgreSQL driver: statements with positional parameters, on a
 * session of its own for a transaction. `pg`'s `Pool` is a {@link PostgresConnector} as it is;
 * a single connection (a `pg` `Client`, a PGlite database) becomes one with {@link exclusiveSession}.
 */

/** Runs one statement: `pg`'s and PGlite's `query(text, params)` have this shape. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>;
}

/** A session of the caller's own until released: a transaction's statements all go through it. */
export interface PostgresSession extends Queryable {
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
 * statements of two transactions never interleave on the one connection.
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
        async query(text, params) {
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
          return connection.query(text, params);
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
