import type { createKinesisClient } from '@activity-history/adapters-aws';
import {
  createMemoryEventStore,
  createMemoryEventStream,
  type MemoryEventStore,
  type MemoryEventStream,
  memoryShardSource,
} from '@activity-history/adapters-memory';
import type { Clock, EventStore, EventStream, ShardSource } from '@activity-history/core';

/** The backends local mode can run on. */
export type BackendKind = 'emulators' | 'memory' | 'postgres';

/** The store and stream local mode runs on, and how to read the stream as Lambda would. */
export interface LocalBackend {
  /** `endpoints` when existing endpoints were given (LocalStack, a real account...). */
  readonly kind: BackendKind | 'endpoints';
  readonly store: EventStore;
  readonly stream: EventStream;
  readonly source: ShardSource;
  readonly streamArn: string;
  readonly region: string;
  /** What runs where, one line each, for the start-up banner. */
  readonly where: readonly string[];
  /** Whether events outlive the process (so checkpoints and dead letters are kept on disk too). */
  readonly persistent: boolean;
  /** The in-memory adapters with their fault switches, on the `memory` backend only. */
  readonly memory: { readonly store: MemoryEventStore; readonly stream: MemoryEventStream } | null;
  /** The Kinesis client, on the emulators and endpoints backends only: for producers writing directly. */
  readonly aws: { readonly kinesis: ReturnType<typeof createKinesisClient> } | null;
  /**
   * Writes one record straight to the stream, past the API's validation, as a producer with a client
   * of its own would (poison for drills and tests: not JSON, or not an event). `null` over Kinesis,
   * where such a producer uses {@link aws}'s client and `PutRecords`.
   */
  readonly appendRaw: ((partitionKey: string, data: Uint8Array) => Promise<void>) | null;
  /**
   * The shard a partition key's records go to, for drills that hold one shard; `null` over Kinesis,
   * where it depends on hash key ranges local mode does not read.
   */
  readonly shardOf: ((partitionKey: string) => string) | null;
  close(): Promise<void>;
}

/**
 * The `memory` backend: the in-memory store and sharded stream, gone when the process ends.
 *
 * @example
 * ```ts
 * const backend = memoryBackend({ shardCount: 2, clock: systemClock });
 * ```
 */
export const memoryBackend = (options: {
  readonly shardCount: number;
  readonly clock: Clock;
}): LocalBackend => {
  const store = createMemoryEventStore({ clock: options.clock });
  const stream = createMemoryEventStream({ shardCount: options.shardCount, clock: options.clock });
  return {
    kind: 'memory',
    store,
    stream,
    source: memoryShardSource(stream),
    streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/memory',
    region: 'us-east-1',
    where: [
      `store: in-memory event store`,
      `stream: in-memory stream, ${options.shardCount} shards`,
      'data: in memory only, lost when the process stops',
    ],
    persistent: false,
    memory: { store, stream },
    aws: null,
    appendRaw: async (partitionKey, data) => {
      stream.appendRaw(partitionKey, data);
    },
    shardOf: (partitionKey) => stream.shardOf(partitionKey),
    close: async () => {},
  };
};
