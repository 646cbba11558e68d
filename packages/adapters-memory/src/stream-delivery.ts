import type { IncomingRecord } from '@activity-history/core';
import type { MemoryEventStream } from './memory-event-stream.js';

/** Options of {@link createStreamDeliveries}: the batch size and the faults of the delivery. */
export interface StreamDeliveryOptions {
  /** The most records per batch (default 100, Lambda's default for Kinesis). */
  readonly batchSize?: number;
  /** A random number in [0, 1); injected so that a simulation can be replayed. */
  readonly random?: () => number;
  /**
   * The share of fully processed batches that are delivered again anyway, as when a function times
   * out after its work was done or a checkpoint is lost (default 0).
   */
  readonly redeliverShare?: number;
  /**
   * Whether a batch interleaves the records of different partition keys in a random order, as with a
   * parallelization factor above 1. One key's records always keep their order (default false).
   */
  readonly reorder?: boolean;
}

/** One batch handed to the processor. */
export interface Delivery {
  readonly shardId: string;
  readonly records: readonly IncomingRecord[];
}

/** What a drain did. */
export interface DrainReport {
  readonly batches: number;
  /** Records delivered, redeliveries included. */
  readonly deliveredRecords: number;
  /** Batches whose processing threw (delivered again whole). */
  readonly errors: number;
  /** Whether every record of the stream was processed before the batch limit. */
  readonly drained: boolean;
}

/** Processes one batch and returns the identifiers of the records to deliver again. */
export type BatchProcessor = (records: readonly IncomingRecord[]) => Promise<readonly string[]>;

/** Lambda-like delivery of a memory stream's records to a processor. */
export interface StreamDeliveries {
  /** The next batch of a shard with pending records and none in flight, or `null` when there is none. */
  next(): Delivery | null;
  /**
   * Ends a delivery. With failed records, the shard resumes at the lowest failed one (the
   * `ReportBatchItemFailures` rule: every record before it is done, every record from it on comes
   * again); without, the shard moves past the batch, unless the redelivery fault strikes.
   */
  complete(delivery: Delivery, failed: readonly string[]): void;
  /** Records not yet processed, over all shards. */
  pending(): number;
  /**
   * Delivers batches until nothing is pending or `maxBatches` were delivered; the shards' batches of
   * one round are processed concurrently, as Lambda runs one invocation per shard.
   */
  drain(process: BatchProcessor, maxBatches?: number): Promise<DrainReport>;
}

/** Shuffles a copy of the items (Fisher-Yates). */
const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
};

/** Merges the records' per-key sequences in a random order: keys interleave, one key's order stays. */
const interleaveKeys = (records: readonly IncomingRecord[], random: () => number): IncomingRecord[] => {
  const queues = new Map<string, IncomingRecord[]>();
  for (const record of records) {
    const queue = queues.get(record.partitionKey) ?? [];
    queue.push(record);
    queues.set(record.partitionKey, queue);
  }
  const remaining = [...queues.values()];
  const merged: IncomingRecord[] = [];
  while (remaining.length > 0) {
    const pick = Math.floor(random() * remaining.length);
    const queue = remaining[pick]!;
    merged.push(queue.shift()!);
    if (queue.length === 0) remaining.splice(pick, 1);
  }
  return merged;
};

/**
 * Turns a memory stream's shard logs into batches the way Lambda's Kinesis event source does: in
 * order per shard, one batch in flight per shard, at least once, resuming at the lowest failed
 * record of a batch. Its faults add what Lambda may also do: deliver a processed batch again and
 * reorder records across partition keys (never within one).
 *
 * @example
 * ```ts
 * const deliveries = createStreamDeliveries(stream, { batchSize: 10, redeliverShare: 0.2, reorder: true });
 * await deliveries.drain(async (records) => (await processBatch(records, deps)).retry);
 * ```
 */
export const createStreamDeliveries = (
  stream: MemoryEventStream,
  options: StreamDeliveryOptions = {},
): StreamDeliveries => {
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const random = options.random ?? Math.random;
  const redeliverShare = options.redeliverShare ?? 0;
  const checkpoints = new Map<string, string>();
  const inFlight = new Set<string>();

  const batchOf = (shardId: string): readonly IncomingRecord[] =>
    stream.read(shardId, { after: checkpoints.get(shardId), limit: batchSize });

  const ready = (): string[] =>
    stream.shardIds().filter((shardId) => !inFlight.has(shardId) && batchOf(shardId).length > 0);

  const deliver = (shardId: string): Delivery => {
    inFlight.add(shardId);
    const records = batchOf(shardId);
    return { shardId, records: options.reorder ? interleaveKeys(records, random) : records };
  };

  const complete = (delivery: Delivery, failed: readonly string[]): void => {
    inFlight.delete(delivery.shardId);
    const ids = delivery.records.map((record) => record.recordId).sort();
    let resumeAfter: string | undefined;
    if (failed.length > 0) {
      const lowestFailed = [...failed].sort()[0]!;
      resumeAfter = ids.filter((id) => id < lowestFailed).pop();
    } else if (random() >= redeliverShare) {
      resumeAfter = ids.at(-1);
    }
    if (resumeAfter !== undefined) checkpoints.set(delivery.shardId, resumeAfter);
  };

  return {
    next() {
      const shards = ready();
      if (shards.length === 0) return null;
      return deliver(shards[Math.floor(random() * shards.length)]!);
    },

    complete,

    pending: () =>
      stream
        .shardIds()
        .reduce(
          (sum, shardId) =>
            sum +
            stream.read(shardId, { after: checkpoints.get(shardId), limit: Number.MAX_SAFE_INTEGER }).length,
          0,
        ),

    async drain(process, maxBatches = 10_000) {
      let batches = 0;
      let deliveredRecords = 0;
      let errors = 0;
      for (let shards = ready(); shards.length > 0 && batches < maxBatches; shards = ready()) {
        // Shards are independent: start them in a random order so that their work interleaves differently.
        const round = shuffled(shards, random)
          .slice(0, maxBatches - batches)
          .map(deliver);
        batches += round.length;
        await Promise.all(
          round.map(async (delivery) => {
            deliveredRecords += delivery.records.length;
            let failed: readonly string[];
            try {
              failed = await process(delivery.records);
            } catch {
              // A function error fails the whole batch: Lambda delivers all of it again.
              errors++;
              failed = delivery.records.map((record) => record.recordId);
            }
            complete(delivery, failed);
          }),
        );
      }
      return { batches, deliveredRecords, errors, drained: ready().length === 0 };
    },
  };
};
