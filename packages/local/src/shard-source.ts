import type { MemoryEventStream } from '@activity-history/adapters-memory';
import type { IncomingRecord } from '@activity-history/core';

/**
 * Where the local poller reads a stream's shards from: the Kinesis API (emulators or a real
 * endpoint) or the in-memory stream. Reading is by position, never by iterator, so a checkpoint
 * (the last sequence number processed) is all a restart needs.
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

/**
 * The in-memory stream as a shard source (local mode's `memory` backend). Its life is the
 * process's, so its identity is fixed per stream object.
 *
 * @example
 * ```ts
 * const source = memoryShardSource(createMemoryEventStream({ shardCount: 2 }));
 * await source.read('shardId-000000000000', null, 100);
 * ```
 */
export const memoryShardSource = (stream: MemoryEventStream): ShardSource => {
  const identity = `memory:${process.pid}:${Date.now()}`;
  return {
    identity: async () => identity,
    shardIds: async () => stream.shardIds(),
    read: async (shardId, after, limit) => stream.read(shardId, { after: after ?? undefined, limit }),
  };
};
