import type { IncomingRecord, ShardSource } from '@activity-history/core';
import { type JetStreamManager, jetstreamManager, type StoredMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { checkPartitions, partitionSubjects, USER_ID_HEADER } from './partitions.js';

/** Options of {@link jetStreamShardSource}. */
export interface JetStreamShardSourceOptions {
  readonly connection: NatsConnection;
  readonly stream: string;
  /** The partition count the event stream publishes with. */
  readonly partitions: number;
  /** The partition subjects' prefix; the stream's name when left out. */
  readonly subjectPrefix?: string;
  /**
   * The partitions read (the source's shards), every one when left out: consumers that split the
   * stream's work each read their own, so no partition is processed twice.
   */
  readonly readPartitions?: readonly number[];
}

const toRecord = (shardId: string, message: StoredMsg): IncomingRecord => ({
  recordId: String(message.seq),
  shard: shardId,
  partitionKey: message.header?.get(USER_ID_HEADER) ?? '',
  data: message.data,
  arrivedAt: message.time.getTime(),
});

/**
 * A JetStream stream as a shard source: one shard per partition subject (its id is the subject),
 * read by stream sequence with direct get (`next_by_subj`: the first message of the subject at or
 * after a sequence), so a read needs no consumer and no state on the server, and a checkpoint (the
 * last stream sequence processed) is all a restart needs. Records carry the stream sequence as
 * `recordId` (decimal), the `Activity-User-Id` header as `partitionKey` and the stream's timestamp
 * as `arrivedAt`. Its identity is the stream's name and creation time: a stream deleted and created
 * again starts its sequences over, and the old checkpoints are discarded. The stream needs direct
 * get (`allow_direct`, which `ensureJetStream` switches on). With `readPartitions` it has the shards
 * of those partitions only.
 *
 * @example
 * ```ts
 * const source = jetStreamShardSource({ connection: nc, stream: 'activity', partitions: 4 });
 * const records = await source.read('activity.0', null, 100);
 * ```
 */
export const jetStreamShardSource = (options: JetStreamShardSourceOptions): ShardSource => {
  checkPartitions(options.partitions);
  const shards = partitionSubjects(options.subjectPrefix ?? options.stream, options.partitions).filter(
    (_, partition) => options.readPartitions?.includes(partition) ?? true,
  );
  for (const partition of options.readPartitions ?? []) {
    if (!Number.isInteger(partition) || partition < 0 || partition >= options.partitions) {
      throw new RangeError(
        `${options.stream} has partitions 0 to ${options.partitions - 1}, not ${partition}`,
      );
    }
  }
  let manager: Promise<JetStreamManager> | null = null;
  const jsm = () => {
    manager ??= jetstreamManager(options.connection).catch((error: unknown) => {
      manager = null;
      throw error;
    });
    return manager;
  };

  return {
    async identity() {
      const info = await (await jsm()).streams.info(options.stream);
      return `${options.stream}@${info.created}`;
    },

    async shardIds() {
      return shards;
    },

    async read(shardId, after, limit) {
      if (!shards.includes(shardId)) throw new Error(`${options.stream} has no partition ${shardId}`);
      const direct = (await jsm()).direct;
      const records: IncomingRecord[] = [];
      if (after !== null && !/^\d+$/.test(after)) {
        throw new Error(`${after} is not a stream sequence of ${options.stream}`);
      }
      let next = after === null ? 1 : Number(after) + 1;
      while (records.length < limit) {
        const message = await direct.getMessage(options.stream, { seq: next, next_by_subj: shardId });
        if (message === null) break;
        records.push(toRecord(shardId, message));
        next = message.seq + 1;
      }
      return records;
    },
  };
};
