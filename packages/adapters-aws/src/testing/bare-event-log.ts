import type { ActivityEvent } from '@activity-history/core';
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventItemOf, eventKey, keyOf } from '../dynamodb-items.js';

/** The least a DynamoDB store that keeps every event can do, see {@link createBareEventLog}. */
export interface BareEventLog {
  /** One unconditional PutItem of the event's item. */
  put(event: ActivityEvent): Promise<void>;
  /** One strongly consistent GetItem of the event's item. */
  get(userId: string, eventId: string): Promise<void>;
}

/**
 * A baseline for cost benchmarks: each event as one item of the same shape and size as the event
 * store's, written by a bare PutItem and read by a strongly consistent GetItem, with no
 * idempotency and no counters.
 *
 * @example
 * ```ts
 * const log = createBareEventLog(document, 'baseline');
 * for (const event of events) await log.put(event);
 * ```
 */
export const createBareEventLog = (
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): BareEventLog => ({
  async put(event) {
    const position = { shard: 'shardId-000000000000', sequence: '1' };
    await (client as DynamoDBClient).send(
      new PutItemCommand({ TableName: tableName, Item: eventItemOf({ event, position }) }),
    );
  },
  async get(userId, eventId) {
    await (client as DynamoDBClient).send(
      new GetItemCommand({
        TableName: tableName,
        Key: keyOf(userId, eventKey(eventId)),
        ConsistentRead: true,
      }),
    );
  },
});
