import { describe, expect, it } from 'vitest';
import { deliverySettingsFromEnv } from './delivery-settings-env.js';

describe('deliverySettingsFromEnv', () => {
  it('keeps every default for an environment that sets none', () => {
    expect(deliverySettingsFromEnv({ ACTIVITY_POLLER_BATCH_SIZE: ' ' })).toEqual({ ok: true, value: {} });
  });

  it('reads each variable into its setting, at the ends of its range', () => {
    expect(
      deliverySettingsFromEnv({
        ACTIVITY_POLLER_BATCH_SIZE: '10000',
        ACTIVITY_POLLER_MAX_RETRY_ATTEMPTS: '-1',
        ACTIVITY_POLLER_METRICS_INTERVAL_MS: '100',
        ACTIVITY_POLLER_BISECT: 'false',
      }),
    ).toEqual({
      ok: true,
      value: {
        batchSize: 10_000,
        maximumRetryAttempts: -1,
        metricsIntervalMs: 100,
        bisectBatchOnFunctionError: false,
      },
    });
  });

  it('names every variable out of its rule', () => {
    const result = deliverySettingsFromEnv({
      ACTIVITY_POLLER_BATCH_SIZE: '0',
      ACTIVITY_POLLER_INTERVAL_MS: '1.5',
      ACTIVITY_POLLER_BISECT: 'yes',
    });

    expect(result).toEqual({
      ok: false,
      error: [
        'ACTIVITY_POLLER_BATCH_SIZE must be an integer from 1 to 10000, not "0"',
        'ACTIVITY_POLLER_INTERVAL_MS must be an integer from 1 to 60000, not "1.5"',
        'ACTIVITY_POLLER_BISECT must be true or false, not "yes"',
      ],
    });
  });

  /** The documented range of every variable (docs/local-mode.md, the runtime's README). */
  const RANGES = [
    ['ACTIVITY_POLLER_BATCH_SIZE', 'batchSize', 1, 10_000],
    ['ACTIVITY_POLLER_BATCHING_WINDOW_MS', 'batchingWindowMs', 0, 300_000],
    ['ACTIVITY_POLLER_MAX_RETRY_ATTEMPTS', 'maximumRetryAttempts', -1, 10_000],
    ['ACTIVITY_POLLER_MAX_RECORD_AGE_MS', 'maximumRecordAgeMs', -1, 604_800_000],
    ['ACTIVITY_POLLER_RETRY_BACKOFF_MS', 'retryBackoffInitialMs', 1, 3_600_000],
    ['ACTIVITY_POLLER_RETRY_BACKOFF_MAX_MS', 'retryBackoffMaxMs', 1, 3_600_000],
    ['ACTIVITY_POLLER_INTERVAL_MS', 'pollIntervalMs', 1, 60_000],
    ['ACTIVITY_POLLER_READ_AHEAD', 'readAheadRecords', 1, 10_000],
    ['ACTIVITY_POLLER_METRICS_INTERVAL_MS', 'metricsIntervalMs', 100, 60_000],
  ] as const;

  it.each(RANGES)(
    'accepts %s at both ends of its range and refuses it just outside',
    (name, key, min, max) => {
      expect(deliverySettingsFromEnv({ [name]: String(min) })).toEqual({ ok: true, value: { [key]: min } });
      expect(deliverySettingsFromEnv({ [name]: ` ${max} ` })).toEqual({ ok: true, value: { [key]: max } });
      for (const outside of [min - 1, max + 1]) {
        expect(deliverySettingsFromEnv({ [name]: String(outside) })).toEqual({
          ok: false,
          error: [`${name} must be an integer from ${min} to ${max}, not "${outside}"`],
        });
      }
    },
  );

  it('reads ACTIVITY_POLLER_BISECT as true or false, trimmed, and leaves it unset when empty', () => {
    expect(deliverySettingsFromEnv({ ACTIVITY_POLLER_BISECT: ' true ' })).toEqual({
      ok: true,
      value: { bisectBatchOnFunctionError: true },
    });
    expect(deliverySettingsFromEnv({ ACTIVITY_POLLER_BISECT: 'false' })).toEqual({
      ok: true,
      value: { bisectBatchOnFunctionError: false },
    });
    expect(deliverySettingsFromEnv({ ACTIVITY_POLLER_BISECT: '' })).toEqual({ ok: true, value: {} });
  });
});
