import { assertNever, type IncomingRecord } from '@activity-history/core';
import type { DeliverySettings } from './delivery-settings.js';

/** Lambda's limit on an invocation's payload; a batch is cut before it. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Why records were diverted: their batch ran out of retries, or a record grew too old. */
export type DeadLetterReason = 'retries_exhausted' | 'record_expired';

/** One part of the batch in delivery: a whole batch, a bisected half, a partly failed remainder. */
export interface BatchPart {
  /** In shard order, whatever order the function was handed them in. */
  readonly records: readonly IncomingRecord[];
  /** Retries already made of these records. */
  readonly retries: number;
}

/** The parts of the batch still to deliver, in shard order: the head is the next to invoke. */
export type Delivery = readonly [BatchPart, ...BatchPart[]];

/** What a shard holds, as far as choosing its next batch goes. */
export interface ShardView {
  /** Records read and not yet done, in shard order: the head is the oldest unprocessed record. */
  readonly buffer: readonly IncomingRecord[];
  /** When the batching window of the records in the buffer started; `null` when the buffer is empty. */
  readonly windowStartedAt: number | null;
  /** Whether the shard is held back (a drill): read, but not delivered. */
  readonly held: boolean;
}

/** What a shard with no batch in delivery does next. */
export type BatchPlan =
  | { readonly kind: 'idle' }
  | { readonly kind: 'held' }
  | { readonly kind: 'gathering' }
  | { readonly kind: 'deliver'; readonly records: readonly IncomingRecord[] };

/**
 * What the last invocation came to: every record processed, some reported failed
 * (`ReportBatchItemFailures`, by record id), or a function error (a throw, a timeout).
 */
export type InvocationOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'partial'; readonly failed: readonly string[] }
  | { readonly kind: 'error'; readonly error: string };

/** Records given up on, with what the dead-letter destination keeps about them. */
export interface DeadLetterVerdict {
  readonly records: readonly IncomingRecord[];
  readonly reason: DeadLetterReason;
  /** How many times they were delivered. */
  readonly attempts: number;
  readonly lastError: string;
}

/**
 * What follows an invocation. `done` records are the head of the shard's buffer, in shard order:
 * the checkpoint moves through the last of them. A dead-letter verdict's records follow `done` in
 * the buffer and are checkpointed once the destination holds them.
 */
export type Decision =
  /** The head part is done; `delivery` is what remains of the batch (empty: the batch is done). */
  | {
      readonly kind: 'delivered';
      readonly done: readonly IncomingRecord[];
      readonly delivery: readonly BatchPart[];
    }
  /** The head part is split in two, invoked at once (splits use no retry). */
  | { readonly kind: 'bisect'; readonly delivery: Delivery; readonly error: string }
  /** The head part (its retry count raised) is invoked again after `backoffMs`. */
  | {
      readonly kind: 'retry';
      readonly done: readonly IncomingRecord[];
      readonly delivery: Delivery;
      readonly backoffMs: number;
      readonly error: string;
    }
  /** The head part's failing records go to the dead-letter destination; the batch goes on with the rest. */
  | {
      readonly kind: 'deadLetter';
      readonly done: readonly IncomingRecord[];
      readonly deadLetter: DeadLetterVerdict;
      readonly delivery: readonly BatchPart[];
    };

/** What Lambda counts against the payload limit for a record. */
const payloadBytes = (record: IncomingRecord): number =>
  // base64 grows data by 4/3; the fields around it are small next to the 6 MB limit.
  Math.ceil(record.data.byteLength / 3) * 4 + 256;

/**
 * The head of a buffer that fits one invocation: at most `batchSize` records and under Lambda's
 * 6 MB payload limit, but never empty when the buffer is not (a record alone always goes).
 *
 * @example
 * ```ts
 * cutBatch(buffer, 100).length; // <= 100
 * ```
 */
export const cutBatch = (buffer: readonly IncomingRecord[], batchSize: number): IncomingRecord[] => {
  const batch: IncomingRecord[] = [];
  let bytes = 0;
  for (const record of buffer) {
    bytes += payloadBytes(record);
    if (batch.length >= batchSize || (batch.length > 0 && bytes > MAX_PAYLOAD_BYTES)) break;
    batch.push(record);
  }
  return batch;
};

/**
 * What a shard with no batch in delivery does at `now`: nothing to deliver, held back, gathering
 * for the batching window, or delivering the next batch. A batch as large as one invocation
 * allows does not wait for the window, as in Lambda.
 *
 * @example
 * ```ts
 * const plan = planBatch({ buffer, windowStartedAt, held: false }, settings, clock.now());
 * if (plan.kind === 'deliver') await invoke(plan.records);
 * ```
 */
export const planBatch = (
  shard: ShardView,
  settings: Pick<DeliverySettings, 'batchSize' | 'batchingWindowMs'>,
  now: number,
): BatchPlan => {
  if (shard.buffer.length === 0) return { kind: 'idle' };
  if (shard.held) return { kind: 'held' };
  const records = cutBatch(shard.buffer, Math.max(1, settings.batchSize));
  const full = records.length < shard.buffer.length || records.length >= settings.batchSize;
  const windowOpen =
    settings.batchingWindowMs > 0 && now - (shard.windowStartedAt ?? now) < settings.batchingWindowMs;
  if (!full && windowOpen) return { kind: 'gathering' };
  return { kind: 'deliver', records };
};

/**
 * The wait before retry number `retries + 1`: the initial backoff doubled per retry already made,
 * capped at the maximum.
 *
 * @example
 * ```ts
 * retryBackoffMs(2, DEFAULT_DELIVERY_SETTINGS); // 4_000
 * ```
 */
export const retryBackoffMs = (
  retries: number,
  settings: Pick<DeliverySettings, 'retryBackoffInitialMs' | 'retryBackoffMaxMs'>,
): number =>
  Math.min(settings.retryBackoffMaxMs, settings.retryBackoffInitialMs * 2 ** Math.min(retries, 30));

/** Whether a failing part has used up its retries or holds a record too old to retry. */
const givenUp = (
  part: BatchPart,
  settings: Pick<DeliverySettings, 'maximumRetryAttempts' | 'maximumRecordAgeMs'>,
  now: number,
): DeadLetterReason | null => {
  const oldest = Math.min(...part.records.map((record) => record.arrivedAt));
  if (settings.maximumRecordAgeMs >= 0 && now - oldest > settings.maximumRecordAgeMs) return 'record_expired';
  if (settings.maximumRetryAttempts >= 0 && part.retries >= settings.maximumRetryAttempts) {
    return 'retries_exhausted';
  }
  return null;
};

/**
 * Where a partial failure resumes: the index, in shard order, of the lowest record reported failed,
 * or `null` when a reported identifier names no record of the part (Lambda then fails the whole
 * batch). The part's records are in shard order even when the function was handed them reordered,
 * so the records before the index are exactly those that may be checkpointed.
 */
const lowestFailedIndex = (part: BatchPart, failed: readonly string[]): number | null => {
  const indexOf = new Map(part.records.map((record, index) => [record.recordId, index]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const id of failed) {
    const index = indexOf.get(id);
    if (index === undefined) return null;
    lowest = Math.min(lowest, index);
  }
  return lowest;
};

/**
 * Decides what follows an invocation of the head part of a batch, as Lambda's Kinesis event
 * source mapping does:
 * - every record processed: the part is done;
 * - some reported failed: the records before the lowest failed one (in shard order) are done and
 *   the rest fails; an empty or unknown identifier counts as a function error;
 * - a function error fails the whole part, which is bisected when `bisectBatchOnFunctionError` is on
 *   and it holds more than one record;
 * - a failing part is retried after an exponential backoff until `maximumRetryAttempts` or
 *   `maximumRecordAgeMs` runs out, then dead-lettered.
 * Pure: `now` is a parameter, nothing is awaited or written.
 *
 * @example
 * ```ts
 * const decision = decideAfterInvocation(delivery, { kind: 'partial', failed: ['4959...'] }, settings, clock.now());
 * if (decision.kind === 'retry') await clock.sleep(decision.backoffMs);
 * ```
 */
export const decideAfterInvocation = (
  delivery: Delivery,
  outcome: InvocationOutcome,
  settings: DeliverySettings,
  now: number,
): Decision => {
  const [current, ...rest] = delivery;
  let failedFrom = 0;
  let error: string;
  switch (outcome.kind) {
    case 'ok':
      return { kind: 'delivered', done: current.records, delivery: rest };
    case 'partial': {
      if (outcome.failed.length === 0) return { kind: 'delivered', done: current.records, delivery: rest };
      const lowest = lowestFailedIndex(current, outcome.failed);
      if (lowest === null) {
        error = 'batchItemFailures names a record that is not in the batch';
        failedFrom = -1;
      } else {
        failedFrom = lowest;
        error = `${outcome.failed.length} records reported failed`;
      }
      break;
    }
    case 'error':
      error = outcome.error;
      failedFrom = -1;
      break;
    default:
      return assertNever(outcome);
  }
  // A function error (or a failure Lambda cannot place) fails the whole part.
  const functionError = failedFrom < 0;
  if (functionError && settings.bisectBatchOnFunctionError && current.records.length > 1) {
    const half = Math.ceil(current.records.length / 2);
    return {
      kind: 'bisect',
      delivery: [
        { records: current.records.slice(0, half), retries: current.retries },
        { records: current.records.slice(half), retries: current.retries },
        ...rest,
      ],
      error,
    };
  }
  const from = Math.max(0, failedFrom);
  const done = current.records.slice(0, from);
  const failing: BatchPart = { records: current.records.slice(from), retries: current.retries };
  const reason = givenUp(failing, settings, now);
  if (reason !== null) {
    return {
      kind: 'deadLetter',
      done,
      deadLetter: { records: failing.records, reason, attempts: failing.retries + 1, lastError: error },
      delivery: rest,
    };
  }
  return {
    kind: 'retry',
    done,
    delivery: [{ records: failing.records, retries: failing.retries + 1 }, ...rest],
    backoffMs: retryBackoffMs(failing.retries, settings),
    error,
  };
};
