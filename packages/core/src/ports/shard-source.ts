import type { IncomingRecord } from '../stream-record.js';

/**
 * Where a stream's shards are read from for delivery to the process function: the Kinesis API
 * (emulators or a real endpoint) or the in-memory stream. Reading is by position, never by
 * iterator, so a checkpoint (the last sequence number processed) is all a restart needs.
 *
 * @example
 * ```ts
 * for (const shardId of await source.shardIds()) {
 *   const records = await source.read(shardId, checkpoints.get(shardId), 100);
 * }
 * ```
 */
export interface ShardSource {
  /**
   * Names the stream's life: a checkpoint saved under another identity belongs to a stream that
   * was deleted and recreated (its sequence numbers mean nothing now) and is discarded.
   */
  identity(): Promise<string>;
  /** The shards' identifiers. */
  shardIds(): Promise<readonly string[]>;
  /**
   * Up to `limit` records of a shard after the sequence number `after`, oldest first; from the
   * oldest record kept (`TRIM_HORIZON`) when `after` is `null`, so nothing written before the
   * poller started is missed.
   */
  read(shardId: string, after: string | null, limit: number): Promise<readonly IncomingRecord[]>;
}
