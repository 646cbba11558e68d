import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';

/** A record read back from the stream. */
export interface ReadRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/**
 * Reads every record of a stream from the start (TRIM_HORIZON), each shard's records in order,
 * shard after shard. For tests on emulators: it stops at a shard's first empty page.
 *
 * @example
 * ```ts
 * const records = await readAllRecords(client, 'activity-events');
 * ```
 */
export const readAllRecords = async (client: KinesisClient, streamName: string): Promise<ReadRecord[]> => {
  const shardIds: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
    );
    shardIds.push(...(page.Shards ?? []).flatMap((shard) => (shard.ShardId ? [shard.ShardId] : [])));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);

  const records: ReadRecord[] = [];
  for (const shardId of shardIds) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      const got = page.Records ?? [];
      for (const record of got) {
        records.push({
          shardId,
          sequenceNumber: record.SequenceNumber ?? '',
          partitionKey: record.PartitionKey ?? '',
          data: record.Data ?? new Uint8Array(),
        });
      }
      iterator = got.length === 0 ? undefined : page.NextShardIterator;
    }
  }
  return records;
};
