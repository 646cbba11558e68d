import type { IncomingRecord, MetricsRecorder } from '@activity-history/core';
import type { DeadLetterReason } from './delivery-decisions.js';

/** Where each shard's delivery stands: the last sequence number that is done. */
export interface ShardCheckpoints {
  /** The last sequence number done in the shard, `null` when none is (start at the oldest record). */
  get(shardId: string): string | null;
  /** Records that every record of the shard up to `sequenceNumber` is done; resolves once durable. */
  save(shardId: string, sequenceNumber: string): Promise<void>;
}

/** What a batch's failure leaves for the dead-letter destination. */
export interface DeadLetterBatch {
  readonly shardId: string;
  /** In shard order. */
  readonly records: readonly IncomingRecord[];
  readonly reason: DeadLetterReason;
  /** How many times their batch was delivered. */
  readonly attempts: number;
  /** The last failure, as the engine saw it. */
  readonly lastError: string;
  /** When they were given up on, epoch milliseconds. */
  readonly at: number;
}

/** The on-failure destination (an SQS queue in AWS, a file in local mode). */
export interface DeadLetterDestination {
  /** Keeps the records; resolves once they are durable. */
  add(batch: DeadLetterBatch): Promise<void>;
  /** How many records it holds. */
  depth(): number;
}

/** One batch as the engine hands it to the function, before any event shape is put on it. */
export interface DeliveryBatch {
  readonly shardId: string;
  readonly records: readonly IncomingRecord[];
}

/** What the function answered: the identifiers of the records it failed (`batchItemFailures`). */
export interface BatchResult {
  readonly failed: readonly string[];
}

/**
 * The process function. A throw is a function error; the event shape (Lambda's Kinesis event, a
 * plain array) is the caller's business, adapted around this.
 */
export type DeliveryFunction = (batch: DeliveryBatch) => Promise<BatchResult>;

/** Where the engine's figures go: the metrics port, plus the dead-letter depth it alone knows. */
export type DeliveryMetrics = MetricsRecorder & { setDeadLetterDepth(depth: number | null): void };

/** The logging the engine does, shaped so that a pino (child) logger fits as it is. */
export interface DeliveryLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
}
