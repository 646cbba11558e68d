/**
 * Base class of every error this package throws. Expected outcomes (invalid events, duplicates,
 * conflicts) are values, never errors; what is thrown is unexpected or an outage of a backend.
 *
 * @example
 * ```ts
 * try { await store.append(events); } catch (e) { if (e instanceof ActivityHistoryError) log(e.name); }
 * ```
 */
export class ActivityHistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Why the event store could not do what was asked. */
export type EventStoreFailure = 'throttled' | 'unavailable' | 'failed';

/**
 * The event store could not complete an operation. `throttled` and `unavailable` are worth retrying
 * (the stream redelivers the batch); `failed` is not and points to a bug or a misconfiguration.
 *
 * @example
 * ```ts
 * throw new EventStoreError('throttled', 'ProvisionedThroughputExceeded on BatchWriteItem', { cause });
 * ```
 */
export class EventStoreError extends ActivityHistoryError {
  readonly failure: EventStoreFailure;

  constructor(failure: EventStoreFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
  }

  /** Whether redelivering the same work later can succeed. */
  get retryable(): boolean {
    return this.failure !== 'failed';
  }
}

/**
 * The metrics backend could not answer a read (writes never throw: losing a data point must not
 * fail the pipeline).
 *
 * @example
 * ```ts
 * throw new MetricsReadError('GetMetricData was denied', { cause });
 * ```
 */
export class MetricsReadError extends ActivityHistoryError {}
