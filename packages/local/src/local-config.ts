import {
  type Environment,
  err,
  type IntegerVariable,
  integerVariable,
  ok,
  type Result,
  variableOf,
} from '@activity-history/core';
import { deliverySettingsFromEnv } from '@activity-history/delivery';
import type { BackendKind } from './local-backends.js';
import type { LocalPipelineOptions } from './local-pipeline.js';

const BACKENDS: readonly BackendKind[] = ['emulators', 'memory', 'postgres'];

export type { Environment } from '@activity-history/core';

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
  const set = (name: string) => variableOf(env, name);
  const integer = (variable: IntegerVariable): number | undefined => {
    const value = integerVariable(env, variable);
    if (value.ok) return value.value;
    errors.push(value.error);
    return undefined;
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
  const delivery = deliverySettingsFromEnv(env);
  if (!delivery.ok) errors.push(...delivery.error);
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
    delivery: delivery.ok ? delivery.value : {},
    env,
  });
};
