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
});
