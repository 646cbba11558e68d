import { describe, expect, it } from 'vitest';
import { runtimeConfigFromEnv } from './runtime-config.js';

const minimal = {
  DATABASE_URL: 'postgres://app:secret@db:5432/activity',
  NATS_URL: 'nats://nats-0:4222, nats://nats-1:4222',
  JWT_ISSUER: 'https://auth.example.com/',
  JWT_AUDIENCE: 'activity-history,activity-admin',
  JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
};

describe('runtimeConfigFromEnv', () => {
  it('reads the required variables and keeps the defaults of the others', () => {
    const config = runtimeConfigFromEnv(minimal);

    expect(config).toEqual({
      ok: true,
      value: {
        role: 'all',
        databaseUrl: minimal.DATABASE_URL,
        natsServers: ['nats://nats-0:4222', 'nats://nats-1:4222'],
        streamName: 'activity-events',
        partitions: 4,
        consumerPartitions: [0, 1, 2, 3],
        host: '0.0.0.0',
        port: 8080,
        jwt: {
          issuer: 'https://auth.example.com/',
          audiences: ['activity-history', 'activity-admin'],
          keys: { kind: 'remote', jwksUrl: new URL(minimal.JWT_JWKS_URL) },
        },
        delivery: { batchSize: 500 },
        logLevel: 'info',
      },
    });
  });

  it('takes an inline key set instead of a URL, and the optional settings', () => {
    const jwks = { keys: [{ kty: 'RSA', n: 'abc', e: 'AQAB', kid: 'k1' }] };
    const { JWT_JWKS_URL: _, ...rest } = minimal;

    const config = runtimeConfigFromEnv({
      ...rest,
      JWT_JWKS: JSON.stringify(jwks),
      ACTIVITY_STREAM_NAME: 'events_v2',
      ACTIVITY_STREAM_PARTITIONS: '16',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'WARN',
      ACTIVITY_POLLER_BATCH_SIZE: '50',
    });

    expect(config).toMatchObject({
      ok: true,
      value: {
        streamName: 'events_v2',
        partitions: 16,
        port: 0,
        host: '127.0.0.1',
        logLevel: 'warn',
        jwt: { keys: { kind: 'local', jwks } },
        delivery: { batchSize: 50 },
      },
    });
  });

  it('names each variable that is missing, with what it must hold', () => {
    const config = runtimeConfigFromEnv({});

    expect(config.ok).toBe(false);
    const problems = config.ok ? [] : config.error;
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is required: a PostgreSQL connection string/),
      expect.stringMatching(/^NATS_URL is required/),
      expect.stringMatching(/^JWT_ISSUER is required/),
      expect.stringMatching(/^JWT_AUDIENCE is required/),
      expect.stringMatching(/^JWT_JWKS_URL or JWT_JWKS is required/),
    ]);
  });

  it('names each variable that breaks its rule', () => {
    const config = runtimeConfigFromEnv({
      ...minimal,
      DATABASE_URL: 'mysql://db/activity',
      NATS_URL: 'http://nats:4222',
      ACTIVITY_STREAM_NAME: 'activity.events',
      ACTIVITY_STREAM_PARTITIONS: '0',
      ACTIVITY_CONSUMER_PARTITIONS: '9',
      PORT: '80000',
      JWT_AUDIENCE: ' , ',
      JWT_JWKS: '{"keys": 1}',
      LOG_LEVEL: 'loud',
      ACTIVITY_POLLER_BISECT: 'maybe',
    });

    const problems = config.ok ? [] : config.error;
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'NATS_URL',
      'ACTIVITY_STREAM_NAME',
      'ACTIVITY_STREAM_PARTITIONS',
      'ACTIVITY_CONSUMER_PARTITIONS',
      'PORT',
      'JWT_AUDIENCE',
      'JWT_JWKS_URL',
      'LOG_LEVEL',
      'ACTIVITY_POLLER_BISECT',
    ]);
    expect(problems).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
    expect(problems).toContain(
      'JWT_JWKS_URL and JWT_JWKS are exclusive: give the key set by URL or inline, not both',
    );
  });

  it('splits the work: a replica consumes the partitions it names, or serves the API only', () => {
    const consumer = runtimeConfigFromEnv({
      ...minimal,
      ACTIVITY_STREAM_PARTITIONS: '8',
      ACTIVITY_CONSUMER_PARTITIONS: '5-7, 0,2-3,3',
    });
    const api = runtimeConfigFromEnv({ ...minimal, ACTIVITY_RUNTIME_ROLE: 'API' });

    expect(consumer).toMatchObject({
      ok: true,
      value: { role: 'all', consumerPartitions: [0, 2, 3, 5, 6, 7] },
    });
    expect(api).toMatchObject({ ok: true, value: { role: 'api', consumerPartitions: [] } });
  });

  it('needs no JWT variable for a consumer-only replica, which serves no API', () => {
    const config = runtimeConfigFromEnv({
      DATABASE_URL: minimal.DATABASE_URL,
      NATS_URL: minimal.NATS_URL,
      ACTIVITY_RUNTIME_ROLE: 'consumer',
      ACTIVITY_CONSUMER_PARTITIONS: '1',
    });

    expect(config).toMatchObject({
      ok: true,
      value: { role: 'consumer', consumerPartitions: [1], jwt: null },
    });
  });

  it('names the rule a role or a partition list breaks', () => {
    const problemsOf = (env: Record<string, string>) => {
      const config = runtimeConfigFromEnv({ ...minimal, ...env });
      return config.ok ? [] : config.error;
    };

    expect(problemsOf({ ACTIVITY_RUNTIME_ROLE: 'worker' })).toEqual([
      'ACTIVITY_RUNTIME_ROLE must be one of all, api, consumer, not "worker"',
    ]);
    for (const list of ['4', '2-1', 'one', '0,,1', '-1', '0-4']) {
      expect(problemsOf({ ACTIVITY_CONSUMER_PARTITIONS: list })).toEqual([
        `ACTIVITY_CONSUMER_PARTITIONS must be partition numbers or ranges from 0 to 3, comma-separated (e.g. 0-1,3), not ${JSON.stringify(list)}`,
      ]);
    }
    expect(problemsOf({ ACTIVITY_RUNTIME_ROLE: 'api', ACTIVITY_CONSUMER_PARTITIONS: '0' })).toEqual([
      'ACTIVITY_CONSUMER_PARTITIONS is for consumers: ACTIVITY_RUNTIME_ROLE=api runs none',
    ]);
  });
});
