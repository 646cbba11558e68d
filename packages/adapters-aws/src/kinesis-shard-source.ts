import type { IncomingRecord, ShardSource } from '@activity-history/core';
import {
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';

/** `GetRecords` returns at most this many records per call. */
const MAX_GET_RECORDS = 10_000;

interface OpenIterator {
  /** The sequence number the iterator reads after (`null`: from the oldest record). */
  readonly after: string | null;
  readonly iterator: string;
}

/**
 * A Kinesis stream (kinesalite, LocalStack, a real account) as a shard source, read with
 * `GetShardIterator` and `GetRecords` as Lambda's event source mapping reads it. An iterator is
 * kept per shard while reads continue where the last one stopped, and asked for again
 * (`AFTER_SEQUENCE_NUMBER`, or `TRIM_HORIZON` with no checkpoint) when the poller moves elsewhere or
 * the iterator expires. Its identity is the stream's ARN and creation time: a stream deleted and
 * recreated under the same name starts a new life whose sequence numbers the old checkpoints do not
 * know.
 *
 * @example
 * ```ts
 * const source = kinesisShardSource(createKinesisClient(), 'activity-events');
 * const records = await source.read('shardId-000000000000', null, 100);
 * ```
 */
export const kinesisShardSource = (client: KinesisClient, streamName: string): ShardSource => {
  const iterators = new Map<string, OpenIterator>();

  const iteratorAt = async (shardId: string, after: string | null): Promise<string> => {
    const open = iterators.get(shardId);
    if (open !== undefined && open.after === after) return open.iterator;
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ...(after === null
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }),
      }),
    );
    if (ShardIterator === undefined) throw new Error(`Kinesis gave no iterator for ${streamName}/${shardId}`);
    return ShardIterator;
  };

  const getRecords = async (shardId: string, after: string | null, limit: number) => {
    const iterator = await iteratorAt(shardId, after);
    try {
      return await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(MAX_GET_RECORDS, limit) }),
      );
    } catch (error) {
      iterators.delete(shardId);
      // Iterators live five minutes: one idle that long is simply asked for again.
      if (error instanceof ExpiredIteratorException) return getRecords(shardId, after, limit);
      throw error;
    }
  };

  return {
    async identity() {
      const { StreamDescriptionSummary: summary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      return `${summary?.StreamARN ?? streamName}@${summary?.StreamCreationTimestamp?.toISOString() ?? ''}`;
    },

    async shardIds() {
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new ListShardsCommand(
            nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken },
          ),
        );
        ids.push(
          ...(page.Shards ?? []).flatMap((shard) => (shard.ShardId === undefined ? [] : [shard.ShardId])),
        );
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
      return ids;
    },

    async read(shardId, after, limit) {
      const page = await getRecords(shardId, after, limit);
      const records: IncomingRecord[] = (page.Records ?? []).map((record) => ({
        recordId: record.SequenceNumber ?? '',
        shard: shardId,
        partitionKey: record.PartitionKey ?? '',
        data: record.Data ?? new Uint8Array(),
        arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
      }));
      const last = records.at(-1)?.recordId ?? after;
      if (page.NextShardIterator === undefined || page.NextShardIterator === null) iterators.delete(shardId);
      else iterators.set(shardId, { after: last, iterator: page.NextShardIterator });
      return records;
    },
  };
};
