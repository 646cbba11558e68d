import type { DayKey, Summary } from '@activity-history/core';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterItemOf, counterKey, userKey } from '../dynamodb-items.js';

const WRITE_COMMANDS = /^(Put|Update|Delete|BatchWrite|TransactWrite)(Item|Items)?Command$/;

/** Crash injection on a DynamoDB client, see {@link injectDynamoDbCrash}. */
export interface DynamoDbCrash {
  /**
   * Lets `n` more write requests through, then fails the next one as a lost connection would,
   * once: the process "dies" between two writes.
   */
  crashAfterWrites(n: number): void;
  /** Disarms a crash that has not fired. */
  clear(): void;
  /** Write requests sent through the client so far. */
  writes(): number;
}

/**
 * Adds a crash switch to a DynamoDB client (and every document client over it) through the SDK's
 * own middleware stack: the request is never sent, and the caller sees the network error a dead
 * connection gives (`ECONNRESET`). Requests go to the real backend otherwise.
 *
 * @example
 * ```ts
 * const { client, document } = createDynamoDbClients();
 * const crash = injectDynamoDbCrash(client);
 * crash.crashAfterWrites(3);
 * await store.append(events); // rejects with EventStoreError('unavailable') at the fourth write
 * ```
 */
export const injectDynamoDbCrash = (client: DynamoDBClient): DynamoDbCrash => {
  let remaining: number | null = null;
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.test(context.commandName ?? '')) {
        if (remaining === 0) {
          remaining = null;
          throw Object.assign(new Error('injected crash: the connection was lost before the write'), {
            code: 'ECONNRESET',
          });
        }
        if (remaining !== null) remaining--;
        writes++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'activityHistoryCrashInjection' },
  );
  return {
    crashAfterWrites(n) {
      remaining = Math.max(0, Math.floor(n));
    },
    clear() {
      remaining = null;
    },
    writes: () => writes,
  };
};

/**
 * Overwrites (or deletes, with `null`) the figures of a user-day counter behind the store's back,
 * as a bug or a hand edit would: the store's own bookkeeping (`seen`) is left as it was.
 *
 * @example
 * ```ts
 * await tamperDynamoDbCounter(document, 'activity-history', 'u-1', '2026-03-02', null);
 * ```
 */
export const tamperDynamoDbCounter = async (
  document: DynamoDBDocumentClient,
  tableName: string,
  userId: string,
  day: DayKey,
  summary: Summary | null,
): Promise<void> => {
  const Key = { pk: userKey(userId), sk: counterKey(day) };
  if (summary === null) {
    await document.send(new DeleteCommand({ TableName: tableName, Key }));
    return;
  }
  const { count, quantityMicros, byType } = counterItemOf(userId, day, summary, 0);
  await document.send(
    new UpdateCommand({
      TableName: tableName,
      Key,
      UpdateExpression: 'SET #day = :day, #count = :count, quantityMicros = :q, byType = :byType',
      ExpressionAttributeNames: { '#day': 'day', '#count': 'count' },
      ExpressionAttributeValues: { ':day': day, ':count': count, ':q': quantityMicros, ':byType': byType },
    }),
  );
};
