import { randomUUID } from 'node:crypto';
import type { Clock, IncomingRecord, MetricsRecorder } from '@activity-history/core';
import type { InvocationContext, Logger } from '@activity-history/handlers';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Checkpoints } from './checkpoint-store.js';
import type { DeadLetterReason, DeadLetterStore } from './dead-letter-store.js';
import { type BatchOrigin, kinesisBatchEvent } from './kinesis-batch-event.js';
import type { ShardSource } from './shard-source.js';

/**
 * How the poller hands records to the process function, named after the Lambda event source
 * mapping settings they mirror (`-1` means "no limit", as in Lambda).
 */
export interface PollerSettings {
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
 */
export const DEFAULT_POLLER_SETTINGS: PollerSettings = {
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

/** Lambda's limit on an invocation's payload; a batch is cut before it. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** A process function as Lambda invokes it. */
export type BatchFunction = (
  event: KinesisStreamEvent,
  context?: InvocationContext,
) => Promise<KinesisStreamBatchResponse | undefined>;

/** What a poll of one shard did (`held`: read, but held back by `holdShard`). */
export type ShardPoll = 'idle' | 'gathering' | 'held' | 'delivered' | 'stopped';

/** What the poller needs. */
export interface StreamPollerDependencies {
  readonly source: ShardSource;
  readonly checkpoints: Checkpoints;
  readonly deadLetters: DeadLetterStore;
  readonly invoke: BatchFunction;
  readonly clock: Clock;
  readonly metrics: MetricsRecorder & { setDeadLetterDepth(depth: number | null): void };
  readonly logger: Logger;
  readonly origin: Omit<BatchOrigin, 'shardId'>;
  readonly settings?: Partial<PollerSettings>;
}

/** Lambda's Kinesis event source mapping, in process. */
export interface StreamPoller {
  /** Polls every shard once, each delivering at most one batch (its retries included). */
  pollOnce(): Promise<readonly ShardPoll[]>;
  /** Records the stream's lag (age of the oldest unprocessed record) and pending records now. */
  recordMetrics(): void;
  /** Records read but not yet processed, over all shards. */
  pending(): number;
  /** Starts polling every shard, one batch in flight per shard, until `stop`. */
  start(): void;
  /**
   * Holds a shard back: it is still read (so its lag and pending records grow, as a stuck shard's
   * do) but none of its records is delivered until `releaseShard`. For fault drills.
   */
  holdShard(shardId: string): void;
  releaseShard(shardId: string): void;
  /**
   * Stops intake: no new batch starts, a batch waiting to be retried is abandoned (it is not
   * checkpointed, so it comes again after a restart), a batch in flight finishes. Resolves when
   * every shard is quiet and its checkpoint written.
   */
  stop(): Promise<void>;
}

interface ShardState {
  readonly shardId: string;
  /** Records read and not yet done, in shard order: the head is the oldest unprocessed record. */
  readonly buffer: IncomingRecord[];
  /** The last sequence number read into the buffer. */
  readPosition: string | null;
  /** When the batching window of the records in the buffer started. */
  windowStartedAt: number | null;
}

/** What one invocation came to. */
type Invocation =
  | { readonly kind: 'ok' }
  | { readonly kind: 'partial'; readonly failedFrom: number; readonly error: string }
  | { readonly kind: 'error'; readonly error: string };

interface PendingBatch {
  readonly records: readonly IncomingRecord[];
  /** Retries already made of these records. */
  readonly retries: number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The head of the buffer that fits one invocation: `batchSize` records and Lambda's payload limit. */
const nextBatch = (buffer: readonly IncomingRecord[], batchSize: number): IncomingRecord[] => {
  const batch: IncomingRecord[] = [];
  let bytes = 0;
  for (const record of buffer) {
    // base64 grows data by 4/3; the fields around it are small next to the 6 MB limit.
    bytes += Math.ceil(record.data.byteLength / 3) * 4 + 256;
    if (batch.length === batchSize || (batch.length > 0 && bytes > MAX_PAYLOAD_BYTES)) break;
    batch.push(record);
  }
  return batch;
};

/**
 * Creates the poller that feeds a stream's records to the process function the way Lambda's
 * Kinesis event source mapping does: shards in parallel, one batch in flight per shard, records in
 * shard order, starting at the checkpoint or, with none, at the oldest record (`TRIM_HORIZON`).
 *
 * - A batch is `batchSize` records, or fewer once the batching window has passed.
 * - With `ReportBatchItemFailures`, the records before the lowest failed one are done and the
 *   shard's checkpoint moves past them; the rest is retried. A function error fails the whole
 *   batch, which is bisected when `bisectBatchOnFunctionError` is on (splits do not use retries).
 * - A failing batch is retried with exponential backoff until `maximumRetryAttempts` or
 *   `maximumRecordAgeMs` runs out; then its records go to the dead-letter store (its depth goes to
 *   the metrics store) and the shard moves on.
 * - The checkpoint is written only after the function returned for every record it covers, so a
 *   stop at any instant skips nothing: at worst a batch is delivered again, which the store counts
 *   once.
 *
 * @example
 * ```ts
 * const poller = await createStreamPoller({ source, checkpoints, deadLetters, invoke: handlers.process,
 *   clock: systemClock, metrics, logger, origin: { streamArn, region: 'us-east-1' } });
 * poller.start();
 * await poller.stop();
 * ```
 */
export const createStreamPoller = async (deps: StreamPollerDependencies): Promise<StreamPoller> => {
  const settings: PollerSettings = { ...DEFAULT_POLLER_SETTINGS, ...deps.settings };
  const { clock, logger, checkpoints, deadLetters, metrics } = deps;
  const log = logger.child({ stage: 'poller' });
  const shards: ShardState[] = (await deps.source.shardIds()).map((shardId) => ({
    shardId,
    buffer: [],
    readPosition: checkpoints.get(shardId),
    windowStartedAt: null,
  }));
  let stopping = false;
  const held = new Set<string>();
  let loops: Promise<void>[] = [];
  let ticker: NodeJS.Timeout | undefined;
  metrics.setDeadLetterDepth(deadLetters.depth());

  /** Waits `ms` of the clock, in slices, returning early (false) once a stop is asked for. */
  const pause = async (ms: number): Promise<boolean> => {
    for (let left = ms; left > 0 && !stopping; left -= settings.pollIntervalMs) {
      await clock.sleep(Math.min(left, settings.pollIntervalMs));
    }
    return !stopping;
  };

  const fill = async (shard: ShardState): Promise<void> => {
    const room = Math.max(settings.readAheadRecords, settings.batchSize) - shard.buffer.length;
    if (room <= 0) return;
    const records = await deps.source.read(shard.shardId, shard.readPosition, room);
    if (records.length === 0) return;
    if (shard.buffer.length === 0) shard.windowStartedAt = clock.now();
    shard.buffer.push(...records);
    shard.readPosition = records.at(-1)!.recordId;
  };

  /** Marks the buffer's first `records` done: drops them and checkpoints the last of them. */
  const done = async (shard: ShardState, records: readonly IncomingRecord[]): Promise<void> => {
    if (records.length === 0) return;
    await checkpoints.save(shard.shardId, records.at(-1)!.recordId);
    shard.buffer.splice(0, records.length);
    shard.windowStartedAt = shard.buffer.length > 0 ? clock.now() : null;
  };

  const invoke = async (shard: ShardState, records: readonly IncomingRecord[]): Promise<Invocation> => {
    let response: KinesisStreamBatchResponse | undefined;
    try {
      response = await deps.invoke(kinesisBatchEvent(records, { ...deps.origin, shardId: shard.shardId }), {
        awsRequestId: randomUUID(),
      });
    } catch (error) {
      return { kind: 'error', error: describe(error) };
    }
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return { kind: 'ok' };
    const indexes = failures.map((failure) =>
      records.findIndex((r) => r.recordId === failure.itemIdentifier),
    );
    // Lambda treats a failure it cannot place (an empty or unknown identifier) as a failed batch.
    if (indexes.includes(-1)) {
      return { kind: 'error', error: 'batchItemFailures names a record that is not in the batch' };
    }
    const failedFrom = Math.min(...indexes);
    return { kind: 'partial', failedFrom, error: `${failures.length} records reported failed` };
  };

  const deadLetter = async (
    shard: ShardState,
    batch: PendingBatch,
    reason: DeadLetterReason,
    lastError: string,
  ): Promise<void> => {
    await deadLetters.add({
      shardId: shard.shardId,
      records: batch.records,
      reason,
      attempts: batch.retries + 1,
      lastError,
      at: clock.now(),
    });
    metrics.record({ kind: 'deadLettered', count: batch.records.length });
    metrics.setDeadLetterDepth(deadLetters.depth());
    log.error(
      {
        shardId: shard.shardId,
        records: batch.records.length,
        from: batch.records[0]!.recordId,
        to: batch.records.at(-1)!.recordId,
        reason,
        lastError,
      },
      'records sent to the dead-letter store',
    );
    await done(shard, batch.records);
  };

  /** Whether a failing batch has used up its retries or holds a record too old to retry. */
  const givenUp = (batch: PendingBatch): DeadLetterReason | null => {
    const oldest = Math.min(...batch.records.map((record) => record.arrivedAt));
    if (settings.maximumRecordAgeMs >= 0 && clock.now() - oldest > settings.maximumRecordAgeMs) {
      return 'record_expired';
    }
    if (settings.maximumRetryAttempts >= 0 && batch.retries >= settings.maximumRetryAttempts) {
      return 'retries_exhausted';
    }
    return null;
  };

  /**
   * Delivers one batch until every record of it is done or dead-lettered, or a stop is asked for.
   * `queue` holds the parts still to deliver, in shard order: a bisected batch's halves, a partly
   * failed batch's remainder.
   */
  const deliver = async (shard: ShardState, batch: readonly IncomingRecord[]): Promise<void> => {
    const queue: PendingBatch[] = [{ records: batch, retries: 0 }];
    while (queue.length > 0 && !stopping) {
      const current = queue[0]!;
      const outcome = await invoke(shard, current.records);
      if (outcome.kind === 'ok') {
        await done(shard, current.records);
        queue.shift();
        continue;
      }
      let failing = current;
      if (outcome.kind === 'partial') {
        await done(shard, current.records.slice(0, outcome.failedFrom));
        failing = { records: current.records.slice(outcome.failedFrom), retries: current.retries };
      } else if (settings.bisectBatchOnFunctionError && current.records.length > 1) {
        const half = Math.ceil(current.records.length / 2);
        queue.splice(
          0,
          1,
          { records: current.records.slice(0, half), retries: current.retries },
          { records: current.records.slice(half), retries: current.retries },
        );
        log.warn(
          { shardId: shard.shardId, records: current.records.length, error: outcome.error },
          'the function failed: bisecting the batch',
        );
        continue;
      }
      const reason = givenUp(failing);
      if (reason !== null) {
        await deadLetter(shard, failing, reason, outcome.error);
        queue.shift();
        continue;
      }
      const backoffMs = Math.min(
        settings.retryBackoffMaxMs,
        settings.retryBackoffInitialMs * 2 ** Math.min(failing.retries, 30),
      );
      log.warn(
        {
          shardId: shard.shardId,
          records: failing.records.length,
          retry: failing.retries + 1,
          backoffMs,
          error: outcome.error,
        },
        'batch failed: retrying',
      );
      queue[0] = { records: failing.records, retries: failing.retries + 1 };
      if (!(await pause(backoffMs))) return;
    }
  };

  const pollShard = async (shard: ShardState): Promise<ShardPoll> => {
    if (stopping) return 'stopped';
    await fill(shard);
    if (shard.buffer.length === 0) return 'idle';
    if (held.has(shard.shardId)) return 'held';
    const full = shard.buffer.length >= settings.batchSize;
    const windowOpen =
      settings.batchingWindowMs > 0 && clock.now() - (shard.windowStartedAt ?? 0) < settings.batchingWindowMs;
    if (!full && windowOpen) return 'gathering';
    await deliver(shard, nextBatch(shard.buffer, settings.batchSize));
    return stopping ? 'stopped' : 'delivered';
  };

  const runShard = async (shard: ShardState): Promise<void> => {
    while (!stopping) {
      let poll: ShardPoll;
      try {
        poll = await pollShard(shard);
      } catch (error) {
        // The stream or the checkpoint file failed, not the function: read again after a pause.
        log.error({ shardId: shard.shardId, err: describe(error) }, 'the shard could not be polled');
        poll = 'idle';
      }
      if (poll !== 'delivered') await pause(settings.pollIntervalMs);
    }
  };

  const recordMetrics = (): void => {
    const now = clock.now();
    let pending = 0;
    let lagMs = 0;
    for (const shard of shards) {
      pending += shard.buffer.length;
      const head = shard.buffer[0];
      if (head !== undefined) lagMs = Math.max(lagMs, now - head.arrivedAt);
    }
    metrics.record({ kind: 'streamLag', ms: Math.max(0, lagMs) });
    metrics.record({ kind: 'pendingRecords', count: pending });
  };

  return {
    pollOnce: () => Promise.all(shards.map(pollShard)),
    recordMetrics,
    pending: () => shards.reduce((sum, shard) => sum + shard.buffer.length, 0),
    start() {
      if (loops.length > 0) return;
      loops = shards.map(runShard);
      ticker = setInterval(recordMetrics, settings.metricsIntervalMs);
      ticker.unref();
    },
    holdShard(shardId) {
      held.add(shardId);
    },
    releaseShard(shardId) {
      held.delete(shardId);
    },
    async stop() {
      stopping = true;
      clearInterval(ticker);
      await Promise.all(loops);
    },
  };
};
