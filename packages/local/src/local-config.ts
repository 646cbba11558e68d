import { err, ok, type Result } from '@activity-history/core';
import type { DeliverySettings } from '@activity-history/delivery';
import type { BackendKind } from './local-backends.js';
import type { LocalPipelineOptions } from './local-pipeline.js';

const BACKENDS: readonly BackendKind[] = ['emulators', 'memory', 'postgres'];

/** The process environment, as local mode reads it. */
export type Environment = Readonly<Record<string, string | undefined>>;

interface IntegerSetting {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** The delivery engine's settings and the variables that set them (docs/local-mode.md lists them). */
const POLLER_INTEGERS: Readonly<
  Record<Exclude<keyof DeliverySettings, 'bisectBatchOnFunctionError'>, IntegerSetting>
> = {
  batchSize: { name: 'ACTIVITY_POLLER_BATCH_SIZE', min: 1, max: 10_000 },
  batchingWindowMs: { name: 'ACTIVITY_POLLER_BATCHING_WINDOW_MS', min: 0, max: 300_000 },
  maximumRetryAttempts: { name: 'ACTIVITY_POLLER_MAX_RETRY_ATTEMPTS', min: -1, max: 10_000 },
  maximumRecordAgeMs: { name: 'ACTIVITY_POLLER_MAX_RECORD_AGE_MS', min: -1, max: 604_800_000 },
  retryBackoffInitialMs: { name: 'ACTIVITY_POLLER_RETRY_BACKOFF_MS', min: 1, max: 3_600_000 },
  retryBackoffMaxMs: { name: 'ACTIVITY_POLLER_RETRY_BACKOFF_MAX_MS', min: 1, max: 3_600_000 },
  pollIntervalMs: { name: 'ACTIVITY_POLLER_INTERVAL_MS', min: 1, max: 60_000 },
  readAheadRecords: { name: 'ACTIVITY_POLLER_READ_AHEAD', min: 1, max: 10_000 },
  metricsIntervalMs: { name: 'ACTIVITY_POLLER_METRICS_INTERVAL_MS', min: 100, max: 60_000 },
};

/**
 * Reads local mode's configuration from the environment: `PORT`, `ACTIVITY_BACKEND`,
 * `ACTIVITY_DATA_DIR`, `ACTIVITY_TABLE_NAME`, `ACTIVITY_STREAM_NAME`, `ACTIVITY_STREAM_SHARDS`,
 * `ACTIVITY_LOCAL_TOKEN` and the `ACTIVITY_POLLER_*` settings, and checks that `DATABASE_URL` (which
 * the postgres backend reads) is a PostgreSQL URL. Unset variables keep their
 * defaults; a value that does not parse is an error naming the variable, never silently ignored.
 *
 * @example
 * ```ts
 * const options = localOptionsFromEnv(process.env);
 * if (options.ok) await startLocalPipeline(options.value);
 * ```
 */
export const localOptionsFromEnv = (env: Environment): Result<LocalPipelineOptions, string[]> => {
  const errors: string[] = [];
  const set = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = ({ name, min, max }: IntegerSetting): number | undefined => {
    const text = set(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`);
      return undefined;
    }
    return value;
  };

  const backend = set('ACTIVITY_BACKEND');
  if (backend !== undefined && !BACKENDS.includes(backend as BackendKind)) {
    errors.push(`ACTIVITY_BACKEND must be emulators, memory or postgres, not ${JSON.stringify(backend)}`);
  }
  // Read by the postgres backend from the environment, as the AWS SDK reads its endpoint variables.
  // NATS_URL is not checked here: the client takes a list (`a:4222,nats://b:4222`) and says itself
  // what it cannot use.
  const databaseUrl = set('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    errors.push('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
  }
  const bisect = set('ACTIVITY_POLLER_BISECT');
  if (bisect !== undefined && bisect !== 'true' && bisect !== 'false') {
    errors.push(`ACTIVITY_POLLER_BISECT must be true or false, not ${JSON.stringify(bisect)}`);
  }
  const delivery: Partial<Record<keyof DeliverySettings, number | boolean>> = {};
  for (const [key, setting] of Object.entries(POLLER_INTEGERS)) {
    const value = integer(setting);
    if (value !== undefined) delivery[key as keyof DeliverySettings] = value;
  }
  if (bisect !== undefined) delivery.bisectBatchOnFunctionError = bisect === 'true';
  const port = integer({ name: 'PORT', min: 0, max: 65_535 });
  const shardCount = integer({ name: 'ACTIVITY_STREAM_SHARDS', min: 1, max: 64 });
  const dataDir = set('ACTIVITY_DATA_DIR');
  const tableName = set('ACTIVITY_TABLE_NAME');
  const streamName = set('ACTIVITY_STREAM_NAME');
  if (errors.length > 0) return err(errors);
  return ok({
    ...(backend === undefined ? {} : { backend: backend as BackendKind }),
    ...(port === undefined ? {} : { port }),
    ...(shardCount === undefined ? {} : { shardCount }),
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(tableName === undefined ? {} : { tableName }),
    ...(streamName === undefined ? {} : { streamName }),
    token: set('ACTIVITY_LOCAL_TOKEN') ?? null,
    delivery: delivery as Partial<DeliverySettings>,
    env,
  });
};
