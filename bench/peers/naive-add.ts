/**
 * The naive peer, as the textbook writes it: every record of the batch at once, each stored as
 * its event's item (PutItem) and counted by an `UpdateItem ADD` on its user-day counter, the two
 * requests sent together. Nothing guards the `ADD`: every redelivered record is counted again.
 */
import { type DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Clock, PositionedEvent } from '../../packages/core/src/index.js';
import { counterAdd, eventPut } from './activity-writes.js';
import { type PeerHandler, partialBatchHandler } from './partial-batch-handler.js';

/** Stores one event and adds it to its counter; the Powertools peer makes this idempotent. */
export const storeAndCount =
  (client: DynamoDBClient, tableName: string) =>
  async (positioned: PositionedEvent): Promise<void> => {
    await Promise.all([
      client.send(new PutItemCommand(eventPut(tableName, positioned))),
      client.send(new UpdateItemCommand(counterAdd(tableName, positioned))),
    ]);
  };

/** The naive process function over `tableName`, a table of the project's layout. */
export const createNaiveAddHandler = (deps: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: Clock;
}): PeerHandler => partialBatchHandler(deps.clock, storeAndCount(deps.client, deps.tableName));
