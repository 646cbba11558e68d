/**
 * How the engine hands records to the process function, named after the Lambda event source
 * mapping settings they mirror (`-1` means "no limit", as in Lambda).
 */
export interface DeliverySettings {
  /** `BatchSize`: the most records per invocation. */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds`, in ms: how long to gather records for a fuller batch. */
  readonly batchingWindowMs: number;
  /** `BisectBatchOnFunctionError`: split a batch in two when the function throws. */
  readonly bisectBatchOnFunctionError: boolean;
  /** `MaximumRetryAttempts`: retries of a failing batch before its records are dead-lettered. */
  readonly maximumRetryAttempts: number;
  /** `MaximumRecordAgeInSeconds`, in ms: a failing record older than this is dead-lettered. */
  readonly maximumRecordAgeMs: number;
  /** The wait before the first retry of a failing batch; it doubles per retry up to the maximum. */
  readonly retryBackoffInitialMs: number;
  readonly retryBackoffMaxMs: number;
  /** How often an idle shard is read again. */
  readonly pollIntervalMs: number;
  /** How many records a shard's reader may hold ahead of the batch in flight. */
  readonly readAheadRecords: number;
  /** How often `streamLag` and `pendingRecords` samples are recorded. */
  readonly metricsIntervalMs: number;
}

/**
 * Lambda's defaults where local mode can keep them (batch size 100, no batching window); bisect on,
 * as the deployed mapping has it; and a finite retry budget whose backoff (1 s doubling to 30 s,
 * 20 retries: about 8 minutes) keeps the contract's promise that a failing batch is retried for at
 * least 5 minutes before it is dead-lettered. Lambda reads an idle shard about once a second; local
 * mode reads every 250 ms, for snappier feedback, still under Kinesis's 5 reads per second and shard.
 *
 * @example
 * ```ts
 * const settings: DeliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, batchSize: 10 };
 * ```
 */
export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  batchSize: 100,
  batchingWindowMs: 0,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 20,
  maximumRecordAgeMs: -1,
  retryBackoffInitialMs: 1_000,
  retryBackoffMaxMs: 30_000,
  pollIntervalMs: 250,
  readAheadRecords: 1_000,
  metricsIntervalMs: 1_000,
};
