/**
 * The Powertools peer, as its documentation writes a Kinesis consumer: `BatchProcessor` with
 * `processPartialResponse`, the record handler made idempotent by `makeIdempotent` over the
 * DynamoDB persistence layer (default settings: records expire after one hour), keyed by the
 * event's `userId` and `eventId` read from the record's data. The record handler is the naive
 * peer's: the event's item and an `ADD` on its counter. Idempotency holds while the record lives:
 * a redelivery (or a client's resend) after it expired is counted again.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  CreateTableCommand,
  type DynamoDBClient,
  paginateScan,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import type { Clock } from '../../packages/core/src/index.js';
import { positionedEventOf } from './activity-writes.js';
import { storeAndCount } from './naive-add.js';

/** The persistence layer's attribute names (its defaults). */
const KEY = 'id';
const EXPIRY = 'expiration';

/** The table the persistence layer expects: a string key `id`, TTL on `expiration`. */
export const createIdempotencyTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: KEY, KeyType: 'HASH' }],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
};

/**
 * Lets `seconds` pass for the idempotency records: each one's expiry (epoch seconds, compared by
 * the layer with `Date.now()`) moves back by that much. The same as the clock moving forward for
 * this peer alone, without replacing the global `Date` the SDK's request signing reads too.
 */
export const ageIdempotencyRecords = async (
  client: DynamoDBClient,
  tableName: string,
  seconds: number,
): Promise<void> => {
  for await (const page of paginateScan({ client }, { TableName: tableName, ProjectionExpression: KEY })) {
    for (const item of page.Items ?? []) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { [KEY]: item[KEY]! },
          UpdateExpression: 'SET #expiry = #expiry - :seconds',
          ExpressionAttributeNames: { '#expiry': EXPIRY },
          ExpressionAttributeValues: { ':seconds': { N: String(seconds) } },
        }),
      );
    }
  }
};

/** The Powertools process function: events and counters in `tableName`, records in `idempotencyTableName`. */
export const createPowertoolsHandler = (deps: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly idempotencyTableName: string;
  readonly clock: Clock;
}): ((event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>) => {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const write = storeAndCount(deps.client, deps.tableName);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'powertools_json(powertools_base64(kinesis.data)).event.[userId, eventId]',
  });
  const recordHandler = makeIdempotent(
    async (record: KinesisStreamRecord) => {
      const positioned = positionedEventOf(record, deps.clock.now());
      if (positioned !== null) await write(positioned);
    },
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: deps.idempotencyTableName,
        awsSdkV3Client: deps.client,
      }),
      config,
    },
  );
  return async (event, context) => {
    // Records still in progress when the function times out may be taken over by a retry.
    config.registerLambdaContext(context);
    return processPartialResponse(event, recordHandler, processor, { context });
  };
};
