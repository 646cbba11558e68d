import type { ActivityEvent } from '@activity-history/core';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { claimItemOf, claimKey, userKey } from '../dynamodb-items.js';

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
export const createBareEventLog = (document: DynamoDBDocumentClient, tableName: string): BareEventLog => ({
  async put(event) {
    await document.send(new PutCommand({ TableName: tableName, Item: claimItemOf(event) }));
  },
  async get(userId, eventId) {
    await document.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: userKey(userId), sk: claimKey(eventId) },
        ConsistentRead: true,
      }),
    );
  },
});
