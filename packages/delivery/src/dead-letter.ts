import type { DeadLetterReason } from './delivery-decisions.js';
import type { DeadLetterBatch } from './delivery-ports.js';

/**
 * One record given up on, as a dead-letter destination keeps it: the record itself (not a pointer
 * into the stream, which would expire with the stream's retention) and why and when it was given
 * up on, so it can be replayed by hand. Plain JSON values only: destinations store it as JSON text
 * (local mode's file, one line each; a JetStream dead-letter stream, one message each).
 */
export interface DeadLetter {
  readonly shardId: string;
  /** The record's position in its shard. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The record's data, base64 (a malformed record's bytes need not be text). */
  readonly data: string;
  /** When the stream received the record (RFC 3339). */
  readonly arrivedAt: string;
  readonly reason: DeadLetterReason;
  /** How many times its batch was delivered. */
  readonly attempts: number;
  /** The last failure, as the delivery engine saw it. */
  readonly lastError: string;
  /** When it was given up on (RFC 3339). */
  readonly deadLetteredAt: string;
}

/**
 * The letters of a dead-lettered batch, one per record, in shard order.
 *
 * @example
 * ```ts
 * const lines = deadLettersOf(batch).map((letter) => `${JSON.stringify(letter)}\n`);
 * ```
 */
export const deadLettersOf = (batch: DeadLetterBatch): DeadLetter[] =>
  batch.records.map((record) => ({
    shardId: batch.shardId,
    sequenceNumber: record.recordId,
    partitionKey: record.partitionKey,
    data: Buffer.from(record.data).toString('base64'),
    arrivedAt: new Date(record.arrivedAt).toISOString(),
    reason: batch.reason,
    attempts: batch.attempts,
    lastError: batch.lastError,
    deadLetteredAt: new Date(batch.at).toISOString(),
  }));
