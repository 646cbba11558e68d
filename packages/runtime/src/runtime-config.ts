import { err, ok, type Result } from '@activity-history/core';
import { type DeliverySettings, deliverySettingsFromEnv } from '@activity-history/delivery';
import type { JSONWebKeySet } from 'jose';

/** The process environment, as the runtime reads it. */
export type Environment = Readonly<Record<string, string | undefined>>;

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

/** Everything the runtime is configured with. */
export interface RuntimeConfig {
  /** A PostgreSQL connection string, for a `pg` Pool. */
  readonly databaseUrl: string;
  /** NATS servers, for `connect({ servers })`. */
  readonly natsServers: readonly string[];
  /** The JetStream stream; also the prefix of its partition subjects. */
  readonly streamName: string;
  readonly partitions: number;
  readonly host: string;
  /** `0` picks a free port. */
  readonly port: number;
  readonly jwt: JwtSettings;
  readonly delivery: Partial<DeliverySettings>;
  /** pino's level names: `info` by default. */
  readonly logLevel: string;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_STREAM_NAME = 'activity-events';
export const DEFAULT_PARTITIONS = 4;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** JetStream stream names may not hold these (they are subject tokens, wildcards or path parts). */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const isJwks = (value: unknown): value is JSONWebKeySet =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { keys?: unknown }).keys) &&
  (value as { keys: unknown[] }).keys.every((key) => typeof key === 'object' && key !== null);

/**
 * Reads the runtime's configuration: `DATABASE_URL`, `NATS_URL` (comma-separated servers),
 * `ACTIVITY_STREAM_NAME`, `ACTIVITY_STREAM_PARTITIONS`, `HOST`, `PORT`, `JWT_ISSUER`, `JWT_AUDIENCE`
 * (comma-separated), one of `JWT_JWKS_URL` and `JWT_JWKS` (a key set as JSON), `LOG_LEVEL` and the
 * delivery engine's `ACTIVITY_POLLER_*`. Every problem is reported, each naming its variable and
 * the rule it breaks, so one start-up shows all that is wrong.
 *
 * @example
 * ```ts
 * const config = runtimeConfigFromEnv(process.env);
 * if (!config.ok) for (const problem of config.error) console.error(problem);
 * ```
 */
export const runtimeConfigFromEnv = (env: Environment): Result<RuntimeConfig, string[]> => {
  const errors: string[] = [];
  const set = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
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
    const text = set(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    errors.push(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`);
    return fallback;
  };

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
  const port = integer('PORT', DEFAULT_PORT, 0, 65_535);
  const issuer = required(
    'JWT_ISSUER',
    "the issuer every token's iss claim must equal, e.g. https://auth.example.com/",
  );
  const audience = required('JWT_AUDIENCE', 'the audiences (comma-separated) of which a token must name one');
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
  const logLevel = (set('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`);
  }
  const delivery = deliverySettingsFromEnv(env);
  if (!delivery.ok) errors.push(...delivery.error);

  if (
    errors.length > 0 ||
    databaseUrl === undefined ||
    issuer === undefined ||
    keys === undefined ||
    !delivery.ok
  ) {
    return err(errors);
  }
  return ok({
    databaseUrl,
    natsServers,
    streamName,
    partitions,
    host: set('HOST') ?? '0.0.0.0',
    port,
    jwt: { issuer, audiences, keys },
    delivery: delivery.value,
    logLevel,
  });
};
