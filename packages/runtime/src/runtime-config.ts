import { type Environment, err, integerVariable, ok, type Result, variableOf } from '@activity-history/core';
import { type DeliverySettings, deliverySettingsFromEnv } from '@activity-history/delivery';
import type { JSONWebKeySet } from 'jose';

export type { Environment } from '@activity-history/core';

/** Where the runtime gets the keys that sign its callers' tokens. */
export type JwtKeys =
  | { readonly kind: 'remote'; readonly jwksUrl: URL }
  | { readonly kind: 'local'; readonly jwks: JSONWebKeySet };

/** How the runtime checks bearer tokens: API Gateway's JWT authorizer settings. */
export interface JwtSettings {
  readonly issuer: string;
  /** A token passes when its `aud` (or, for access tokens without one, `client_id`) names one of them. */
  readonly audiences: readonly string[];
  readonly keys: JwtKeys;
}

/**
 * What a replica runs: the HTTP API and the consumer loops (`all`), the API only, or the consumer
 * loops only (their HTTP port then serves `/livez`, `/readyz` and `/metrics`, not the API).
 */
export type RuntimeRole = 'all' | 'api' | 'consumer';

/** Everything the runtime is configured with. */
export interface RuntimeConfig {
  readonly role: RuntimeRole;
  /** A PostgreSQL connection string, for a `pg` Pool. */
  readonly databaseUrl: string;
  /** NATS servers, for `connect({ servers })`. */
  readonly natsServers: readonly string[];
  /** The JetStream stream; also the prefix of its partition subjects. */
  readonly streamName: string;
  readonly partitions: number;
  /** The partitions this replica's consumer loops read, ascending; empty when it runs none. */
  readonly consumerPartitions: readonly number[];
  readonly host: string;
  /** `0` picks a free port. */
  readonly port: number;
  /** `null` on a consumer-only replica: it serves no API, so it checks no token. */
  readonly jwt: JwtSettings | null;
  readonly delivery: Partial<DeliverySettings>;
  /** pino's level names: `info` by default. */
  readonly logLevel: string;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_STREAM_NAME = 'activity-events';
export const DEFAULT_PARTITIONS = 4;
/**
 * Records per invocation unless `ACTIVITY_POLLER_BATCH_SIZE` says otherwise: five times Lambda's
 * 100, because here each batch costs a transaction per user in it and a checkpoint write, so a
 * user's burst stored in one append instead of five halves PostgreSQL's work per event (measured
 * by `pnpm bench runtime-throughput`). Lambda's payload limit still caps a batch's bytes.
 */
export const DEFAULT_BATCH_SIZE = 500;

const ROLES: readonly RuntimeRole[] = ['all', 'api', 'consumer'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** JetStream stream names may not hold these (they are subject tokens, wildcards or path parts). */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `0-3,6` as the partitions it names, ascending and each once; `null` when a part is neither a
 * number nor a range `a-b` (a <= b), or names a partition the stream does not have.
 */
const partitionList = (text: string, partitions: number): number[] | null => {
  const chosen = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (range === null) return null;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (from > to || to >= partitions) return null;
    for (let partition = from; partition <= to; partition++) chosen.add(partition);
  }
  return [...chosen].sort((a, b) => a - b);
};

const isJwks = (value: unknown): value is JSONWebKeySet =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { keys?: unknown }).keys) &&
  (value as { keys: unknown[] }).keys.every((key) => typeof key === 'object' && key !== null);

/**
 * Reads the runtime's configuration: `ACTIVITY_RUNTIME_ROLE` (`all`, `api` or `consumer`),
 * `DATABASE_URL`, `NATS_URL` (comma-separated servers), `ACTIVITY_STREAM_NAME`,
 * `ACTIVITY_STREAM_PARTITIONS`, `ACTIVITY_CONSUMER_PARTITIONS` (numbers and ranges, e.g. `0-3,6`),
 * `HOST`, `PORT`, `JWT_ISSUER`, `JWT_AUDIENCE` (comma-separated), one of `JWT_JWKS_URL` and
 * `JWT_JWKS` (a key set as JSON; no JWT variable is read for a consumer-only replica), `LOG_LEVEL`
 * and the delivery engine's `ACTIVITY_POLLER_*`. Every problem is reported, each naming its
 * variable and the rule it breaks, so one start-up shows all that is wrong.
 *
 * @example
 * ```ts
 * const config = runtimeConfigFromEnv(process.env);
 * if (!config.ok) for (const problem of config.error) console.error(problem);
 * ```
 */
export const runtimeConfigFromEnv = (env: Environment): Result<RuntimeConfig, string[]> => {
  const errors: string[] = [];
  const set = (name: string) => variableOf(env, name);
  const required = (name: string, rule: string): string | undefined => {
    const value = set(name);
    if (value === undefined) errors.push(`${name} is required: ${rule}`);
    return value;
  };
  const url = (name: string, value: string | undefined, protocols: readonly string[]): URL | undefined => {
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (protocols.includes(parsed.protocol)) return parsed;
    } catch {
      // Reported below, with the rule.
    }
    errors.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    return undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = integerVariable(env, { name, min, max });
    if (value.ok) return value.value ?? fallback;
    errors.push(value.error);
    return fallback;
  };

  /** The JWT variables, read only for a replica that serves the API; `undefined` when they are wrong. */
  const jwtSettings = (): JwtSettings | undefined => {
    const issuer = required(
      'JWT_ISSUER',
      "the issuer every token's iss claim must equal, e.g. https://auth.example.com/",
    );
    const audience = required(
      'JWT_AUDIENCE',
      'the audiences (comma-separated) of which a token must name one',
    );
    const audiences = (audience ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (audience !== undefined && audiences.length === 0)
      errors.push('JWT_AUDIENCE must name at least one audience');
    const jwksUrl = url('JWT_JWKS_URL', set('JWT_JWKS_URL'), ['https:', 'http:']);
    const jwksText = set('JWT_JWKS');
    let keys: JwtKeys | undefined;
    if (set('JWT_JWKS_URL') !== undefined && jwksText !== undefined) {
      errors.push('JWT_JWKS_URL and JWT_JWKS are exclusive: give the key set by URL or inline, not both');
    } else if (jwksUrl !== undefined) {
      keys = { kind: 'remote', jwksUrl };
    } else if (jwksText !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(jwksText);
      } catch {
        parsed = undefined;
      }
      if (isJwks(parsed)) keys = { kind: 'local', jwks: parsed };
      else errors.push('JWT_JWKS must be a JSON Web Key Set: {"keys":[{...}]}');
    } else if (set('JWT_JWKS_URL') === undefined) {
      errors.push('JWT_JWKS_URL or JWT_JWKS is required: where the keys that sign the tokens are');
    }
    return issuer === undefined || keys === undefined ? undefined : { issuer, audiences, keys };
  };

  const roleText = (set('ACTIVITY_RUNTIME_ROLE') ?? 'all').toLowerCase();
  const role = ROLES.find((known) => known === roleText);
  if (role === undefined) {
    errors.push(`ACTIVITY_RUNTIME_ROLE must be one of ${ROLES.join(', ')}, not ${JSON.stringify(roleText)}`);
  }
  const databaseUrl = required(
    'DATABASE_URL',
    'a PostgreSQL connection string, postgres://user:password@host:5432/db',
  );
  url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);
  const nats = required('NATS_URL', 'the NATS servers, comma-separated, e.g. nats://nats:4222');
  const natsServers = (nats ?? '')
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
  for (const server of natsServers) {
    // A bare host:port is what nats.js takes too; only a scheme other than NATS's is an error.
    if (server.includes('://')) url('NATS_URL', server, ['nats:', 'tls:', 'ws:', 'wss:']);
  }
  const streamName = set('ACTIVITY_STREAM_NAME') ?? DEFAULT_STREAM_NAME;
  if (!STREAM_NAME.test(streamName)) {
    errors.push(
      `ACTIVITY_STREAM_NAME must be 1-64 characters of A-Z a-z 0-9 _ -, not ${JSON.stringify(streamName)}`,
    );
  }
  const partitions = integer('ACTIVITY_STREAM_PARTITIONS', DEFAULT_PARTITIONS, 1, 1024);
  const consumedText = set('ACTIVITY_CONSUMER_PARTITIONS');
  let consumerPartitions =
    role === 'api' ? [] : Array.from({ length: partitions }, (_, partition) => partition);
  if (consumedText !== undefined && role === 'api') {
    errors.push('ACTIVITY_CONSUMER_PARTITIONS is for consumers: ACTIVITY_RUNTIME_ROLE=api runs none');
  } else if (consumedText !== undefined) {
    const chosen = partitionList(consumedText, partitions);
    if (chosen === null) {
      errors.push(
        `ACTIVITY_CONSUMER_PARTITIONS must be partition numbers or ranges from 0 to ${partitions - 1}, comma-separated (e.g. 0-1,3), not ${JSON.stringify(consumedText)}`,
      );
    } else consumerPartitions = chosen;
  }
  const port = integer('PORT', DEFAULT_PORT, 0, 65_535);
  const jwt = role === 'consumer' ? null : jwtSettings();
  const logLevel = (set('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`);
  }
  const delivery = deliverySettingsFromEnv(env);
  if (!delivery.ok) errors.push(...delivery.error);

  if (
    errors.length > 0 ||
    role === undefined ||
    databaseUrl === undefined ||
    jwt === undefined ||
    !delivery.ok
  ) {
    return err(errors);
  }
  return ok({
    role,
    databaseUrl,
    natsServers,
    streamName,
    partitions,
    consumerPartitions,
    host: set('HOST') ?? '0.0.0.0',
    port,
    jwt,
    delivery: { batchSize: DEFAULT_BATCH_SIZE, ...delivery.value },
    logLevel,
  });
};
