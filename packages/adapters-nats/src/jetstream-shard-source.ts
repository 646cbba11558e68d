import type { IncomingRecord, ShardSource } from '@activity-history/core';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StoredMsg,
} from '@nats-io/jetstream';
import { type MsgHdrs, type NatsConnection, nanos } from '@nats-io/nats-core';
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

/** A stored message (direct get) and a consumed one (a pull) name their headers differently. */
const toRecord = (
  shardId: string,
  message: Pick<StoredMsg, 'seq' | 'data' | 'time'>,
  headers: MsgHdrs | undefined,
): IncomingRecord => ({
  recordId: String(message.seq),
  shard: shardId,
  partitionKey: headers?.get(USER_ID_HEADER) ?? '',
  data: message.data,
  arrivedAt: message.time.getTime(),
});

/**
 * How long the server keeps a read's consumer once nothing pulls from it: a process that dies
 * mid-read leaves no consumer behind for longer (a read deletes its own consumer at its end).
 */
const READ_CONSUMER_INACTIVE_MS = 30_000;
/** A pull waits no longer than this for what its consumer counted pending (1 s is the client's floor). */
const PULL_EXPIRES_MS = 1_000;

/**
 * A JetStream stream as a shard source: one shard per partition subject (its id is the subject),
 * read by stream sequence, so a checkpoint (the last stream sequence processed) is all a restart
 * needs. A read asks for the partition's first message after the position with direct get
 * (`next_by_subj`), so an idle partition costs one request; when there is one, the rest of the read
 * comes in one pull from a consumer made for that read (ephemeral, in memory, no acks, filtered on
 * the partition, starting after that message) and deleted at its end, so that no state outlives a
 * read. nats-server 2.9 has no batch direct get, and one request per record was the read path's
 * whole cost. Records carry the stream sequence as
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
  const client = jetstream(options.connection);

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
      if (after !== null && !/^\d+$/.test(after)) {
        throw new Error(`${after} is not a stream sequence of ${options.stream}`);
      }
      if (limit < 1) return [];
      const manager = await jsm();
      const first = await manager.direct.getMessage(options.stream, {
        seq: after === null ? 1 : Number(after) + 1,
        next_by_subj: shardId,
      });
      if (first === null) return [];
      const records = [toRecord(shardId, first, first.header)];
      if (limit === 1) return records;
      const consumer = await manager.consumers.add(options.stream, {
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: first.seq + 1,
        filter_subject: shardId,
        mem_storage: true,
        num_replicas: 1,
        inactive_threshold: nanos(READ_CONSUMER_INACTIVE_MS),
      });
      try {
        // Pending is what the consumer's filter matched when it was made: a pull for exactly that
        // many (or the limit) ends with its last message instead of waiting out its expiry.
        const wanted = Math.min(limit - 1, consumer.num_pending);
        if (wanted > 0) {
          const messages = await client.consumers
            .getConsumerFromInfo(consumer)
            .fetch({ max_messages: wanted, expires: PULL_EXPIRES_MS });
          for await (const message of messages) records.push(toRecord(shardId, message, message.headers));
        }
      } finally {
        await manager.consumers.delete(options.stream, consumer.name);
      }
      return records;
    },
  };
};
