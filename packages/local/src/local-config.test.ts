import { describe, expect, it } from 'vitest';
import { localOptionsFromEnv } from './local-config.js';

describe('localOptionsFromEnv', () => {
  it('leaves every default in place for an empty environment', () => {
    expect(localOptionsFromEnv({})).toEqual({ ok: true, value: { token: null, delivery: {}, env: {} } });
  });

  it('reads the backend, port, names, token and delivery settings', () => {
    const env = {
      ACTIVITY_BACKEND: 'memory',
      PORT: '0',
      ACTIVITY_DATA_DIR: '/tmp/x',
      ACTIVITY_TABLE_NAME: 't1',
      ACTIVITY_STREAM_NAME: 's1',
      ACTIVITY_STREAM_SHARDS: '4',
      ACTIVITY_LOCAL_TOKEN: 'secret',
      ACTIVITY_POLLER_BATCH_SIZE: '500',
      ACTIVITY_POLLER_BATCHING_WINDOW_MS: '250',
      ACTIVITY_POLLER_BISECT: 'false',
      ACTIVITY_POLLER_MAX_RETRY_ATTEMPTS: '-1',
      ACTIVITY_POLLER_MAX_RECORD_AGE_MS: '600000',
    };

    expect(localOptionsFromEnv(env)).toEqual({
      ok: true,
      value: {
        backend: 'memory',
        port: 0,
        dataDir: '/tmp/x',
        tableName: 't1',
        streamName: 's1',
        shardCount: 4,
        token: 'secret',
        delivery: {
          batchSize: 500,
          batchingWindowMs: 250,
          bisectBatchOnFunctionError: false,
          maximumRetryAttempts: -1,
          maximumRecordAgeMs: 600_000,
        },
        env,
      },
    });
  });

  it('takes the postgres backend, leaving DATABASE_URL and NATS_URL in the environment it reads', () => {
    const env = {
      ACTIVITY_BACKEND: 'postgres',
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/activity',
      NATS_URL: 'nats://n1:4222,n2:4222',
    };

    expect(localOptionsFromEnv(env)).toEqual({
      ok: true,
      value: { backend: 'postgres', token: null, delivery: {}, env },
    });
  });

  it('names every variable that does not parse', () => {
    const result = localOptionsFromEnv({
      ACTIVITY_BACKEND: 'dynamo',
      PORT: 'eighty',
      ACTIVITY_POLLER_BATCH_SIZE: '0',
      ACTIVITY_POLLER_BISECT: 'yes',
      DATABASE_URL: 'mysql://db:3306/activity',
    });

    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.error;
    expect(errors).toHaveLength(5);
    for (const name of [
      'ACTIVITY_BACKEND',
      'PORT',
      'ACTIVITY_POLLER_BATCH_SIZE',
      'ACTIVITY_POLLER_BISECT',
      'DATABASE_URL',
    ]) {
      expect(errors.some((e) => e.startsWith(name))).toBe(true);
    }
    expect(errors).toContain('ACTIVITY_BACKEND must be emulators, memory or postgres, not "dynamo"');
  });
});
