import {
  type Environment,
  err,
  type IntegerVariable,
  integerVariable,
  ok,
  type Result,
  variableOf,
} from '@activity-history/core';
import type { DeliverySettings } from './delivery-settings.js';

/** The variables that set the engine's integer settings, with the range each accepts. */
const INTEGER_VARIABLES: Readonly<
  Record<Exclude<keyof DeliverySettings, 'bisectBatchOnFunctionError'>, IntegerVariable>
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
 * The engine's settings from `ACTIVITY_POLLER_*` variables (an environment as a plain record: this
 * reads no process state), for every process that runs the engine (local mode, the container
 * runtime). Unset or empty variables keep their defaults; a value that does not parse is an error
 * naming the variable and its rule, never silently ignored.
 *
 * @example
 * ```ts
 * deliverySettingsFromEnv({ ACTIVITY_POLLER_BATCH_SIZE: '500' }); // { ok: true, value: { batchSize: 500 } }
 * ```
 */
export const deliverySettingsFromEnv = (env: Environment): Result<Partial<DeliverySettings>, string[]> => {
  const errors: string[] = [];
  const settings: Partial<Record<keyof DeliverySettings, number | boolean>> = {};
  for (const [key, variable] of Object.entries(INTEGER_VARIABLES)) {
    const value = integerVariable(env, variable);
    if (!value.ok) errors.push(value.error);
    else if (value.value !== undefined) settings[key as keyof DeliverySettings] = value.value;
  }
  const bisect = variableOf(env, 'ACTIVITY_POLLER_BISECT');
  if (bisect === 'true' || bisect === 'false') settings.bisectBatchOnFunctionError = bisect === 'true';
  else if (bisect !== undefined) {
    errors.push(`ACTIVITY_POLLER_BISECT must be true or false, not ${JSON.stringify(bisect)}`);
  }
  return errors.length > 0 ? err(errors) : ok(settings as Partial<DeliverySettings>);
};
