import {
  type Clock,
  type EventStream,
  encodeEnvelope,
  type IncomingRecord,
  type PublishOutcome,
  type StreamEnvelope,
  systemClock,
} from '@activity-history/core';

/** Options of {@link createMemoryEventStream}. */
export interface MemoryEventStreamOptions {
  /** How many shards the log has (default 1). */
  readonly shardCount?: number;
  /** Stamps each record's `arrivedAt`. Defaults to the system clock. */
  readonly clock?: Clock;
  /** A random number in [0, 1), for refusing a share of records; injected for determinism. */
  readonly random?: () => number;
}

/** Which records to refuse: a share of them, or those a predicate picks. */
export type RefusalRule = number | ((envelope: StreamEnvelope) => boolean);

/** The stream's fault switches. */
export interface EventStreamFaults {
  /**
   * Refuses records one by one, as `PutRecords` does when a shard is over its limits (the call
   * succeeds, some records are not written). `0` or `null` stops refusing.
   */
  refuse(rule: RefusalRule | null): void;
  /** Refuses whole calls (the service is unreachable): every record is reported not written. */
  unavailable(on: boolean): void;
  /** Clears every fault. */
  clear(): void;
}

/** Where a consumer reads from: after a sequence number, at most `limit` records. */
export interface ShardReadOptions {
  /** Read the records after this sequence number; from the start of the shard when absent. */
  readonly after?: string | undefined;
  readonly limit: number;
}

/** The in-memory stream: the port, plus what a consumer (the local poller, tests) needs. */
export interface MemoryEventStream extends EventStream {
  readonly faults: EventStreamFaults;
  /** The shards' identifiers, in order. */
  shardIds(): readonly string[];
  /** The shard a partition key is written to. */
  shardOf(partitionKey: string): string;
  /** The records of a shard after a sequence number, oldest first; `recordId` is the sequence number. */
  read(shardId: string, options: ShardReadOptions): readonly IncomingRecord[];
  /**
   * Writes raw bytes as a producer writing to the stream directly would (no envelope, no check),
   * regardless of faults: for records that are not events, and for bare events.
   */
  appendRaw(partitionKey: string, data: Uint8Array): IncomingRecord;
}

/** The reason `PutRecords` gives for a record refused by an overloaded shard. */
export const THROUGHPUT_EXCEEDED = 'ProvisionedThroughputExceededException';

const SEQUENCE_DIGITS = 20;

/**
 * A stable 32-bit hash (FNV-1a over UTF-16 code units): Kinesis hashes the partition key with MD5,
 * which core-free code cannot reach without `node:crypto`; any stable hash spreads keys the same way.
 */
const hashKey = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};

/** The index of the first record after `sequence` (binary search: sequence numbers are fixed-width, so text order is arrival order). */
const firstAfter = (records: readonly IncomingRecord[], sequence: string): number => {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (records[mid]!.recordId > sequence) high = mid;
    else low = mid + 1;
  }
  return low;
};

const shardName = (index: number): string => `shardId-${String(index).padStart(12, '0')}`;

/**
 * An event stream over in-memory shard logs. Records are partitioned by `userId` and hashed to a
 * shard, so one user's records keep their order; sequence numbers are zero-padded, so they sort as
 * text, and increase across the whole stream. Faults refuse records one by one (as `PutRecords`
 * does under throttling) or whole calls. It serves local mode's `memory` backend.
 *
 * @example
 * ```ts
 * const stream = createMemoryEventStream({ shardCount: 2, clock });
 * await stream.publish([envelope]); // [{ written: true }]
 * stream.read(stream.shardOf(envelope.event.userId), { limit: 100 }); // [{ recordId: '000...1', ... }]
 * ```
 */
export const createMemoryEventStream = (options: MemoryEventStreamOptions = {}): MemoryEventStream => {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const shards = Array.from({ length: Math.max(1, options.shardCount ?? 1) }, (_, i) => ({
    id: shardName(i),
    records: [] as IncomingRecord[],
  }));
  const byId = new Map(shards.map((shard) => [shard.id, shard]));
  let sequence = 0;
  let refusal: RefusalRule | null = null;
  let down = false;

  const shardFor = (partitionKey: string) => shards[hashKey(partitionKey) % shards.length]!;

  const append = (partitionKey: string, data: Uint8Array): IncomingRecord => {
    sequence++;
    const record: IncomingRecord = {
      recordId: String(sequence).padStart(SEQUENCE_DIGITS, '0'),
      shard: shardFor(partitionKey).id,
      partitionKey,
      data: data.slice(),
      arrivedAt: clock.now(),
    };
    shardFor(partitionKey).records.push(record);
    return record;
  };

  const refused = (envelope: StreamEnvelope): boolean =>
    refusal === null ? false : typeof refusal === 'number' ? random() < refusal : refusal(envelope);

  return {
    async publish(envelopes) {
      if (down) {
        return envelopes.map(
          (): PublishOutcome => ({ written: false, retryable: true, reason: 'ServiceUnavailable' }),
        );
      }
      return envelopes.map((envelope): PublishOutcome => {
        if (refused(envelope)) return { written: false, retryable: true, reason: THROUGHPUT_EXCEEDED };
        append(envelope.event.userId, encodeEnvelope(envelope));
        return { written: true };
      });
    },

    shardIds: () => shards.map((shard) => shard.id),

    shardOf: (partitionKey) => shardFor(partitionKey).id,

    read(shardId, { after, limit }) {
      const shard = byId.get(shardId);
      if (shard === undefined) throw new RangeError(`no shard ${shardId} in this stream`);
      const start = after === undefined ? 0 : firstAfter(shard.records, after);
      return shard.records.slice(start, start + Math.max(0, limit)).map((record) => ({
        ...record,
        data: record.data.slice(),
      }));
    },

    appendRaw: (partitionKey, data) => {
      const record = append(partitionKey, data);
      return { ...record, data: record.data.slice() };
    },

    faults: {
      refuse(rule) {
        refusal = rule === 0 ? null : rule;
      },
      unavailable(on) {
        down = on;
      },
      clear() {
        refusal = null;
        down = false;
      },
    },
  };
};
