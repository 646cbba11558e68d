import type { Clock } from '../ports/clock.js';
import type { EventStream, PublishOutcome } from '../ports/event-stream.js';
import type { StreamEnvelope } from '../stream-record.js';

/** How hard to try before reporting a record as not written. */
export interface RetryPolicy {
  /** Publish calls at most, the first included. */
  readonly maxAttempts: number;
  /** The first backoff; each retry doubles it, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  readonly budgetMs: number;
  /** A random number in [0, 1), for jitter; injected so tests are deterministic. */
  readonly random: () => number;
}

/** Defaults sized for an API request: a few retries within a couple of seconds. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  budgetMs: 3_000,
  random: Math.random,
};

/** The outcome of every envelope, and how many records were sent again. */
export interface PublishReport {
  readonly outcomes: readonly PublishOutcome[];
  readonly retriedRecords: number;
}

/**
 * Publishes envelopes and retries only the records the stream refused with a retryable reason,
 * with capped exponential backoff and full jitter, within the policy's attempts and time budget.
 *
 * @example
 * ```ts
 * const { outcomes } = await publishWithRetry(stream, envelopes, clock, DEFAULT_RETRY_POLICY);
 * ```
 */
export const publishWithRetry = async (
  stream: EventStream,
  envelopes: readonly StreamEnvelope[],
  clock: Clock,
  policy: RetryPolicy,
): Promise<PublishReport> => {
  const outcomes: PublishOutcome[] = new Array(envelopes.length);
  let pending = envelopes.map((_, index) => index);
  let retriedRecords = 0;
  const started = clock.now();
  for (let attempt = 1; pending.length > 0; attempt++) {
    const results = await stream.publish(pending.map((index) => envelopes[index]!));
    const refused: number[] = [];
    pending.forEach((index, i) => {
      const outcome = results[i] ?? { written: false, retryable: true, reason: 'the stream gave no outcome' };
      outcomes[index] = outcome;
      if (!outcome.written && outcome.retryable) refused.push(index);
    });
    if (refused.length === 0 || attempt >= policy.maxAttempts) break;
    const delay = policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    if (clock.now() + delay - started > policy.budgetMs) break;
    await clock.sleep(delay);
    retriedRecords += refused.length;
    pending = refused;
  }
  return { outcomes, retriedRecords };
};
