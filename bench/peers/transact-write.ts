/**
 * The transactional peer: every record of the batch at once, each one `TransactWriteItems` of the
 * event's item, put on condition that it is new, and the `ADD` to its user-day counter. A
 * duplicate fails the condition and cancels both, so redeliveries and resends count once, at
 * twice the write units (DynamoDB charges a transaction's writes double).
 */
import {
  type DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock, PositionedEvent } from '../../packages/core/src/index.js';
import { counterAdd, eventPut } from './activity-writes.js';
import { type PeerHandler, partialBatchHandler } from './partial-batch-handler.js';

const storeAndCountOnce =
  (client: DynamoDBClient, tableName: string) =>
  async (positioned: PositionedEvent): Promise<void> => {
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { ...eventPut(tableName, positioned), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: counterAdd(tableName, positioned) },
          ],
        }),
      );
    } catch (error) {
      // The event is stored already: the transaction did nothing, as it should. Any other
      // cancellation (a conflict with a concurrent transaction on the counter) is retried.
      const duplicate =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!duplicate) throw error;
    }
  };

/** The transactional process function over `tableName`, a table of the project's layout. */
export const createTransactWriteHandler = (deps: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: Clock;
}): PeerHandler => partialBatchHandler(deps.clock, storeAndCountOnce(deps.client, deps.tableName));
