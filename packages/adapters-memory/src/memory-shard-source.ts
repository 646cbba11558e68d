import type { ShardSource } from '@activity-history/core';
import type { MemoryEventStream } from './memory-event-stream.js';

const identities = new WeakMap<MemoryEventStream, string>();
let streams = 0;

/**
 * The in-memory stream as a shard source (local mode's `memory` backend, the simulations). Its
 * life is the process's, so its identity is fixed per stream object and differs between
 * processes: checkpoints kept on disk by an earlier process are never taken for this stream's.
 *
 * @example
 * ```ts
 * const source = memoryShardSource(createMemoryEventStream({ shardCount: 2 }));
 * await source.read('shardId-000000000000', null, 100);
 * ```
 */
export const memoryShardSource = (stream: MemoryEventStream): ShardSource => {
  let identity = identities.get(stream);
  if (identity === undefined) {
    identity = `memory:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 10)}:${++streams}`;
    identities.set(stream, identity);
  }
  const fixed = identity;
  return {
    identity: async () => fixed,
    shardIds: async () => stream.shardIds(),
    read: async (shardId, after, limit) => stream.read(shardId, { after: after ?? undefined, limit }),
  };
};
