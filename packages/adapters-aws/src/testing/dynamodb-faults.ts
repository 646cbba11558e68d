import {
  createWriteFaults,
  type DayKey,
  type HeldWrite,
  type Summary,
  sequenceKey,
  type WriteFault,
  type WriteKind,
} from '@activity-history/core';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { counterBounds, counterKey, keyOf, userKey, watermarkAttribute } from '../dynamodb-items.js';

const WRITE_COMMANDS = /^(Put|Update|Delete|BatchWrite|TransactWrite)(Item|Items)?Command$/;

/** Fault switches on a DynamoDB client, see {@link injectDynamoDbFaults}. */
export interface DynamoDbFaults {
  /** Arms a write fault (core's `WriteFault`); it replaces one armed before. */
  injectWriteFault(fault: WriteFault): void;
  /** Disarms the write fault. */
  disarm(): void;
  /** Holds the next write request of a kind until released: a zombie whose request lands late. */
  holdNextWrite(kind: WriteKind): HeldWrite;
  /** Write requests sent through the client so far. */
  writes(): number;
}

const kindOf = (input: {
  Item?: Record<string, AttributeValue>;
  Key?: Record<string, AttributeValue>;
}): WriteKind => {
  const sk = (input.Item ?? input.Key)?.sk?.S ?? '';
  return sk.startsWith('C#') ? 'counter' : sk.startsWith('Q#') ? 'quarantine' : 'claim';
};

/**
 * Adds fault switches to a DynamoDB client (and every document client over it) through the SDK's
 * own middleware stack, so that requests otherwise reach the real backend: a crash (no later
 * write is sent), a lost answer (the write is sent and applied, then the caller sees `ECONNRESET`),
 * one failed write among successful ones, and a write held back until released.
 *
 * @example
 * ```ts
 * const { client } = createDynamoDbClients();
 * const faults = injectDynamoDbFaults(client);
 * faults.injectWriteFault({ kind: 'lostAnswer', atWrite: 3 });
 * await store.append(records); // rejects with EventStoreError('unavailable'); the fourth write landed
 * ```
 */
export const injectDynamoDbFaults = (client: DynamoDBClient): DynamoDbFaults => {
  const faults = createWriteFaults((what) =>
    Object.assign(new Error(`injected fault: ${what}`), { code: 'ECONNRESET' }),
  );
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITE_COMMANDS.test(context.commandName ?? '')) return next(args);
      return faults.run(kindOf(args.input as Parameters<typeof kindOf>[0]), () => {
        writes++;
        return next(args);
      });
    },
    { step: 'initialize', name: 'activityHistoryFaultInjection' },
  );
  return {
    injectWriteFault: faults.inject,
    disarm: faults.disarm,
    holdNextWrite: faults.hold,
    writes: () => writes,
  };
};

/**
 * Overwrites (or deletes, with `null`) the figures of a user-day's counters behind the store's
 * back, as a bug or a hand edit would: their watermarks are left as they were.
 *
 * @example
 * ```ts
 * await tamperDynamoDbCounter(client, 'activity-history', 'u-1', '2026-03-02', null);
 * ```
 */
export const tamperDynamoDbCounter = async (
  client: DynamoDBClient,
  tableName: string,
  userId: string,
  day: DayKey,
  summary: Summary | null,
): Promise<void> => {
  const [low, high] = counterBounds(day, day);
  const page = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': { S: userKey(userId) }, ':low': { S: low }, ':high': { S: high } },
      ConsistentRead: true,
    }),
  );
  const types = new Set([
    ...(page.Items ?? []).map((item) => item.sk!.S!.slice(13)),
    ...(summary?.byType.keys() ?? []),
  ]);
  for (const type of types) {
    const Key = keyOf(userId, counterKey(day, type));
    const tally = summary?.byType.get(type);
    if (summary === null) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key }));
      continue;
    }
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'SET n = :n, q = :q ADD v :one',
        ExpressionAttributeValues: {
          ':n': { N: String(tally?.count ?? 0) },
          ':q': { N: String(tally?.quantityMicros ?? 0n) },
          ':one': { N: '1' },
        },
      }),
    );
  }
};

/**
 * Sets (or removes, with `null`) one counter's watermark for a shard behind the store's back.
 *
 * @example
 * ```ts
 * await tamperDynamoDbWatermark(client, 'activity-history', 'u-1', '2026-03-02', 'track.played', 'shardId-000000000000', '9'.repeat(60));
 * ```
 */
export const tamperDynamoDbWatermark = async (
  client: DynamoDBClient,
  tableName: string,
  userId: string,
  day: DayKey,
  type: string,
  shard: string,
  sequence: string | null,
): Promise<void> => {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: keyOf(userId, counterKey(day, type)),
      UpdateExpression: sequence === null ? 'REMOVE #w ADD v :one' : 'SET #w = :w ADD v :one',
      ExpressionAttributeNames: { '#w': watermarkAttribute(shard) },
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ...(sequence === null ? {} : { ':w': { S: sequenceKey(sequence) } }),
      },
    }),
  );
};
