import { MIGRATIONS, type Queryable } from '@activity-history/adapters-postgres';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

/** One dependency's answer to the readiness probe. */
export interface DependencyCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** What `GET /readyz` answers. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly postgres: DependencyCheck; readonly nats: DependencyCheck };
}

/** A probe answers within this, so a hung dependency reads as not ready, not as a hung probe. */
const CHECK_TIMEOUT_MS = 2_000;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const within = <T>(work: Promise<T>, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

const checkPostgres = async (db: Queryable): Promise<DependencyCheck> => {
  try {
    const { rows } = await within(
      db.query('SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations'),
      'PostgreSQL',
    );
    const version = Number((rows[0] as { version: number | string }).version);
    return version >= MIGRATIONS.length
      ? { ok: true, detail: `schema at version ${version}` }
      : {
          ok: false,
          detail: `schema at version ${version}, ${MIGRATIONS.length} expected: migrations not applied`,
        };
  } catch (error) {
    return { ok: false, detail: `PostgreSQL unreachable: ${describe(error)}` };
  }
};

const checkNats = async (connection: NatsConnection, stream: string): Promise<DependencyCheck> => {
  if (connection.isClosed()) return { ok: false, detail: 'the NATS connection is closed' };
  try {
    const info = await within(
      jetstreamManager(connection).then((jsm) => jsm.streams.info(stream)),
      'NATS JetStream',
    );
    return { ok: true, detail: `stream ${stream} holds ${info.state.messages} messages` };
  } catch (error) {
    return { ok: false, detail: `NATS JetStream unreachable: ${describe(error)}` };
  }
};

/**
 * Whether the runtime can serve: PostgreSQL answers and its schema is migrated to what this code
 * knows, and NATS answers with the stream in place. Both are asked at once, each within 2 s.
 *
 * @example
 * ```ts
 * const readiness = await checkReadiness({ db: pool, connection: nc, stream: 'activity-events' });
 * readiness.ready; // true
 * ```
 */
export const checkReadiness = async (deps: {
  readonly db: Queryable;
  readonly connection: NatsConnection;
  readonly stream: string;
}): Promise<Readiness> => {
  const [postgres, nats] = await Promise.all([
    checkPostgres(deps.db),
    checkNats(deps.connection, deps.stream),
  ]);
  return { ready: postgres.ok && nats.ok, checks: { postgres, nats } };
};
