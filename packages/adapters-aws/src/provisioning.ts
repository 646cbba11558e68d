import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table-layout.js';

const named = (error: unknown, ...names: string[]): boolean =>
  error instanceof Error && names.includes(error.name);

// Emulators create tables and streams at once; a polling delay of 1 s (the waiters' minimum) is plenty.
const WAITER = { minDelay: 1, maxDelay: 2, maxWaitTime: 60 } as const;

/**
 * Creates the event store's table if it does not exist (on-demand, keys of {@link TABLE_KEYS}),
 * waits until it is active, and turns on TTL for quarantined records where the backend supports it
 * (dynalite has no `UpdateTimeToLive`; expired records are then filtered on read, as in AWS between
 * expiry and deletion).
 *
 * @example
 * ```ts
 * await ensureTable(createDynamoDbClients().client, 'activity-history');
 * ```
 */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!named(error, 'ResourceNotFoundException')) throw error;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (createError) {
      // Another process created it meanwhile.
      if (!named(createError, 'ResourceInUseException')) throw createError;
    }
  }
  await waitUntilTableExists({ client, ...WAITER }, { TableName: tableName });
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    // Unsupported by the emulator, or already enabled: either way there is nothing more to do.
    if (!named(error, 'UnknownOperationException', 'ValidationException')) throw error;
  }
};

/** What {@link ensureStream} found: the stream's ARN and its open shards. */
export interface StreamSummary {
  readonly streamArn: string;
  readonly openShardCount: number;
}

/**
 * Creates the event stream if it does not exist, waits until it is active, and returns its ARN
 * and open shards (the ARN names the stream in the events Lambda's event source mapping sends).
 *
 * @example
 * ```ts
 * const { streamArn } = await ensureStream(createKinesisClient(), 'activity-events', { shardCount: 2 });
 * ```
 */
export const ensureStream = async (
  client: KinesisClient,
  streamName: string,
  options: { readonly shardCount?: number } = {},
): Promise<StreamSummary> => {
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  } catch (error) {
    if (!named(error, 'ResourceNotFoundException')) throw error;
    try {
      await client.send(
        new CreateStreamCommand({ StreamName: streamName, ShardCount: options.shardCount ?? 1 }),
      );
    } catch (createError) {
      if (!named(createError, 'ResourceInUseException')) throw createError;
    }
  }
  await waitUntilStreamExists({ client, ...WAITER }, { StreamName: streamName });
  const { StreamDescriptionSummary: summary } = await client.send(
    new DescribeStreamSummaryCommand({ StreamName: streamName }),
  );
  if (summary?.StreamARN === undefined) throw new Error(`the stream ${streamName} has no ARN`);
  return { streamArn: summary.StreamARN, openShardCount: summary.OpenShardCount ?? 0 };
};
