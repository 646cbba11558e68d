import {
  type Claim,
  type Clock,
  type CounterContribution,
  type CounterRepair,
  counterDrift,
  DAY_MS,
  type DayKey,
  type DayRange,
  DEFAULT_QUARANTINE_RETENTION_DAYS,
  dailyCountersOf,
  dailyCountersOfTallies,
  dayKeyOf,
  type EventStore,
  EventStoreError,
  type ExpectedCounter,
  expectedCounters,
  firstOccurrences,
  incrementOf,
  type PositionedEvent,
  planAppend,
  type QuarantinedRecord,
  type StoredEvent,
  sequenceKey,
  settleAll,
  uncounted,
} from '@activity-history/core';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type CounterState,
  counterBounds,
  counterItemOf,
  counterKey,
  counterKeyOf,
  counterStateOf,
  EVENT_PREFIX,
  eventItemOf,
  eventKey,
  type Item,
  keyOf,
  QUARANTINE_PREFIX,
  quarantinedRecordOf,
  quarantineItemOf,
  sequenceOfWatermark,
  storedEventOf,
  userKey,
  watermarkAttribute,
} from './dynamodb-items.js';
import { describeSdkError, sdkFailureOf } from './sdk-failure.js';

/** Options of {@link createDynamoDbEventStore}. */
export interface DynamoDbEventStoreOptions {
  /**
   * A DynamoDB client, e.g. `createDynamoDbClients().client` (a document client over one works
   * too: the store writes its items as attribute values itself).
   */
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  /** A table with the keys of `TABLE_KEYS` (see `ensureTable` and docs/dynamodb-design.md). */
  readonly tableName: string;
  /** Days a quarantined record stays readable (its TTL). Defaults to 30. */
  readonly quarantineRetentionDays?: number;
  /** Decides which quarantined records have expired. Defaults to the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
}

/**
 * Requests of one step in flight at once per store call: all of a batch's, so that the client's
 * sockets, not this, bound them (`DYNAMODB_SOCKETS`).
 */
const PARALLEL_REQUESTS = 500;
/** Attempts at one counter, or at a repair, while concurrent writers keep moving it. */
const COUNTER_ATTEMPTS = 8;

const isConditionFailure = (error: unknown): error is Error & { Item?: Item } =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Refusals of one request for its own content: the item, not the table or the account. */
const isContentRefusal = (error: unknown): error is Error =>
  error instanceof Error && error.name === 'ValidationException';

/** The sort-key bounds of a day range: its first and last day. */
const firstAndLastDay = (range: DayRange): readonly [DayKey, DayKey] => [
  dayKeyOf(range.from),
  dayKeyOf(range.to - DAY_MS),
];

/**
 * The event store on one DynamoDB table, exact under at-least-once delivery, crashes between any
 * two requests, lost answers, zombie writers and concurrent appends, without transactions, in two
 * dependent round trips per batch (docs/dynamodb-design.md; the protocol is core's `planAppend`):
 * 1. each event claims its key (`U#user`, `E#eventId`) with a conditional put that stores the
 *    event and the stream position of its record; a taken key answers with the version that stands;
 * 2. per (day, type, shard), the events the call's records stored go into the counter
 *    `C#day#type` in one `ADD`, on condition that the counter's watermark for the shard is below
 *    the first of them, moving it to the last. A refused write learns the watermark and adds only
 *    what lies beyond it.
 * SDK errors become `EventStoreError`s (`throttled`, `unavailable`, `failed`); a claim refused for
 * its item's content becomes the outcome `refused`.
 *
 * @example
 * ```ts
 * const store = createDynamoDbEventStore({ client: createDynamoDbClients().client, tableName: 'activity-history' });
 * await store.append([{ event, position: { shard: 'shardId-000000000000', sequence: '1' } }]); // [{ kind: 'new' }]
 * ```
 */
export const createDynamoDbEventStore = (options: DynamoDbEventStoreOptions): EventStore => {
  const { tableName } = options;
  // Both client types send the low-level commands the same way.
  const client = options.client as DynamoDBClient;
  const now = options.clock?.now ?? Date.now;
  const retentionMs = (options.quarantineRetentionDays ?? DEFAULT_QUARANTINE_RETENTION_DAYS) * DAY_MS;

  /** Runs one request, translating its SDK error into the domain's at the boundary. */
  const call = async <T>(operation: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      if (error instanceof EventStoreError) throw error;
      throw new EventStoreError(
        sdkFailureOf(error),
        `${operation} on table ${tableName} failed: ${describeSdkError(error)}`,
        { cause: error },
      );
    }
  };

  const queryAll = async (input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> => {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await call('Query', () =>
        client.send(
          new QueryCommand({
            ...input,
            TableName: tableName,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  };

  const readCounterStates = async (
    userId: string,
    range: DayRange,
    consistent: boolean,
  ): Promise<CounterState[]> => {
    const [low, high] = counterBounds(...firstAndLastDay(range));
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': { S: userKey(userId) }, ':low': { S: low }, ':high': { S: high } },
      ConsistentRead: consistent,
    });
    return items.map((item) => counterStateOf(userId, item));
  };

  /** The user's events in the range: they are keyed by id, so this reads all the user's events. */
  const readStoredEvents = async (
    userId: string,
    range: DayRange,
    consistent: boolean,
  ): Promise<StoredEvent[]> => {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: '#at >= :from AND #at < :to',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':pk': { S: userKey(userId) },
        ':prefix': { S: EVENT_PREFIX },
        // Stored instants are normalized (`toISOString`), so text order is time order.
        ':from': { S: new Date(range.from).toISOString() },
        ':to': { S: new Date(range.to).toISOString() },
      },
      ConsistentRead: consistent,
    });
    return items.map((item) => storedEventOf(userId, item));
  };

  /**
   * The user's quarantined records in retention, newest first; with an `eventId`, that key's only.
   * The key's records are filtered by DynamoDB: the Query still reads (and is charged for) every
   * `Q#` item of the user, but returns only the key's.
   */
  const readQuarantined = async (userId: string, eventId: string | null): Promise<QuarantinedRecord[]> => {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': { S: userKey(userId) },
        ':prefix': { S: QUARANTINE_PREFIX },
        ...(eventId === null ? {} : { ':eventId': { S: eventId } }),
      },
      ...(eventId === null
        ? {}
        : { FilterExpression: '#eventId = :eventId', ExpressionAttributeNames: { '#eventId': 'eventId' } }),
    });
    const at = now();
    // TTL deletes expired items up to days late: expiry is decided here, by the clock.
    return items
      .map((item) => quarantinedRecordOf(userId, item))
      .filter((record) => record.quarantinedAt + retentionMs > at)
      .sort((a, b) => b.quarantinedAt - a.quarantinedAt || (a.recordId < b.recordId ? 1 : -1));
  };

  /** Claims an event's key, or learns the version that holds it. */
  const claim = async (entry: PositionedEvent): Promise<Claim> => {
    const { event } = entry;
    const answer = await call(
      'PutItem',
      async (): Promise<Exclude<Claim, { kind: 'taken' }> | { kind: 'taken'; item: Item | undefined }> => {
        try {
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: eventItemOf(entry),
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return { kind: 'stored' };
        } catch (error) {
          if (isConditionFailure(error)) return { kind: 'taken', item: error.Item };
          if (isContentRefusal(error)) return { kind: 'refused', message: describeSdkError(error) };
          throw error;
        }
      },
    );
    if (answer.kind !== 'taken') return answer;
    // Backends that do not return the item with the refusal (dynalite) are asked for it.
    const item =
      answer.item ??
      (
        await call('GetItem', () =>
          client.send(
            new GetItemCommand({
              TableName: tableName,
              Key: keyOf(event.userId, eventKey(event.eventId)),
              ConsistentRead: true,
            }),
          ),
        )
      ).Item;
    if (item === undefined) {
      throw new EventStoreError(
        'unavailable',
        `the claim of event ${event.eventId} exists but cannot be read yet`,
      );
    }
    const stored = storedEventOf(event.userId, item);
    return { kind: 'taken', stored: stored.event, origin: stored.origin };
  };

  /** The watermark a refused counter write met (raw sequence number), or `null` for none. */
  const watermarkOf = async (
    contribution: CounterContribution,
    refusal: Item | undefined,
  ): Promise<string | null> => {
    const name = watermarkAttribute(contribution.shard);
    const item =
      refusal ??
      (
        await call('GetItem', () =>
          client.send(
            new GetItemCommand({
              TableName: tableName,
              Key: counterKeyOf(contribution),
              ProjectionExpression: '#w',
              ExpressionAttributeNames: { '#w': name },
              ConsistentRead: true,
            }),
          ),
        )
      ).Item;
    const stored = item?.[name]?.S;
    return stored === undefined ? null : sequenceOfWatermark(stored);
  };

  /** Adds a contribution to its counter, past the watermark the counter holds for its shard. */
  const addToCounter = async (contribution: CounterContribution): Promise<void> => {
    let rest = contribution;
    for (let attempt = 1; attempt <= COUNTER_ATTEMPTS; attempt++) {
      const increment = incrementOf(rest);
      if (increment === null) return;
      const refusal = await call('UpdateItem', async () => {
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: counterKeyOf(rest),
              UpdateExpression: 'ADD n :n, q :q, v :one SET #w = :last',
              ConditionExpression: 'attribute_not_exists(#w) OR #w < :first',
              ExpressionAttributeNames: { '#w': watermarkAttribute(rest.shard) },
              ExpressionAttributeValues: {
                ':n': { N: String(increment.count) },
                ':q': { N: increment.quantityMicros.toString() },
                ':one': { N: '1' },
                ':first': { S: sequenceKey(increment.first) },
                ':last': { S: sequenceKey(increment.last) },
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return null;
        } catch (error) {
          if (isConditionFailure(error)) return { item: error.Item };
          throw error;
        }
      });
      if (refusal === null) return;
      // Another delivery of (some of) these records counted them first: add only what is left.
      rest = uncounted(rest, await watermarkOf(rest, refusal.item));
    }
    throw new EventStoreError(
      'unavailable',
      `the counter of ${contribution.day} ${contribution.type} kept moving during ${COUNTER_ATTEMPTS} attempts`,
    );
  };

  /** Sets one counter to what its events give, unless it changed since it was read. */
  const overwriteCounter = async (
    key: { userId: string; day: DayKey; type: string },
    before: CounterState | undefined,
    expected: ExpectedCounter | undefined,
  ): Promise<boolean> => {
    const condition =
      before === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : before.version === null
          ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(v)' }
          : {
              ConditionExpression: 'v = :v',
              ExpressionAttributeValues: { ':v': { N: String(before.version) } },
            };
    return call(expected === undefined ? 'DeleteItem' : 'PutItem', async () => {
      try {
        if (expected === undefined) {
          await client.send(
            new DeleteItemCommand({ TableName: tableName, Key: counterKeyOf(key), ...condition }),
          );
        } else {
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: counterItemOf(expected, (before?.version ?? 0) + 1),
              ...condition,
            }),
          );
        }
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    });
  };

  const agrees = (counter: CounterState, expected: ExpectedCounter): boolean =>
    counter.count === expected.count &&
    counter.quantityMicros === expected.quantityMicros &&
    counter.watermarks.size === expected.watermarks.size &&
    [...counter.watermarks].every(([shard, mark]) => {
      const want = expected.watermarks.get(shard);
      return want !== undefined && sequenceKey(want) === sequenceKey(mark);
    });

  const idOf = (key: { day: DayKey; type: string }) => counterKey(key.day, key.type);

  return {
    async append(entries) {
      if (entries.length === 0) return [];
      const claims = await settleAll(firstOccurrences(entries), PARALLEL_REQUESTS, claim);
      const plan = planAppend(entries, claims);
      await settleAll(plan.contributions, PARALLEL_REQUESTS, addToCounter);
      return plan.outcomes;
    },

    async quarantine(records: readonly QuarantinedRecord[]) {
      await settleAll(records, PARALLEL_REQUESTS, (record) =>
        call('PutItem', async () => {
          try {
            // The first entry of a record and reason stands: a redelivery does not move it.
            await client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: quarantineItemOf(record, retentionMs),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
          }
        }),
      );
    },

    async readDailyCounters(userId, range) {
      return dailyCountersOfTallies(await readCounterStates(userId, range, false));
    },

    async readEvents(userId, range) {
      return (await readStoredEvents(userId, range, false)).map((stored) => stored.event);
    },

    async readQuarantine(userId, limit) {
      if (limit <= 0) return [];
      return (await readQuarantined(userId, null)).slice(0, limit);
    },

    async readEvent(userId, eventId) {
      // Eventually consistent, like every read that answers a person rather than decides a write.
      const answer = await call('GetItem', () =>
        client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(userId, eventKey(eventId)) })),
      );
      return answer.Item === undefined ? null : storedEventOf(userId, answer.Item).event;
    },

    async readEventQuarantine(userId, eventId) {
      return readQuarantined(userId, eventId);
    },

    async repairCounters(userId, range): Promise<CounterRepair> {
      let fixed: CounterRepair['fixed'] | null = null;
      for (let attempt = 1; attempt <= COUNTER_ATTEMPTS; attempt++) {
        // Counters first, then events: an append landing in between moves a counter's version,
        // its overwrite is refused, and the next attempt reads both again.
        const counters = await readCounterStates(userId, range, true);
        const stored = await readStoredEvents(userId, range, true);
        fixed ??= counterDrift(dailyCountersOfTallies(counters), dailyCountersOf(stored.map((s) => s.event)));
        const have = new Map(counters.map((counter) => [idOf(counter), counter]));
        const want = new Map(expectedCounters(stored).map((counter) => [idOf(counter), counter]));
        const keys = new Map(
          [...counters, ...want.values()].map((c) => [idOf(c), { userId, day: c.day, type: c.type }]),
        );
        const written = await settleAll([...keys], PARALLEL_REQUESTS, async ([id, key]) => {
          const before = have.get(id);
          const expected = want.get(id);
          if (before !== undefined && expected !== undefined && agrees(before, expected)) return true;
          return overwriteCounter(key, before, expected);
        });
        if (written.every(Boolean)) return { userId, range, fixed };
      }
      throw new EventStoreError(
        'unavailable',
        `the counters of ${userId} kept changing during ${COUNTER_ATTEMPTS} repairs`,
      );
    },
  };
};
