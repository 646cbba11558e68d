import {
  type ActivityEvent,
  type AppendOutcome,
  type Clock,
  type CounterRepair,
  counterDrift,
  DAY_MS,
  type DailyCounter,
  type DayKey,
  type DayRange,
  dailyCountersOf,
  dayKeyOf,
  type EventStore,
  EventStoreError,
  type QuarantinedRecord,
  sameContent,
} from '@activity-history/core';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  claimItemOf,
  claimKey,
  counterItemOf,
  counterKey,
  dailyCounterOf,
  dayEventItemOf,
  dayEventsPrefix,
  dayOf,
  type EventItem,
  eventOf,
  QUARANTINE_PREFIX,
  quarantinedRecordOf,
  quarantineItemOf,
  userKey,
} from './dynamodb-items.js';
import { describeSdkError, sdkFailureOf } from './sdk-failure.js';
import { settleAll } from './settle-all.js';

/** How long quarantined records are kept by default. */
export const DEFAULT_QUARANTINE_RETENTION_DAYS = 30;

/** Options of {@link createDynamoDbEventStore}. */
export interface DynamoDbEventStoreOptions {
  /** A document client, e.g. `createDynamoDbClients().document`. */
  readonly client: DynamoDBDocumentClient;
  /** A table with the keys of `TABLE_KEYS` (see `ensureTable` and docs/dynamodb-design.md). */
  readonly tableName: string;
  /** Days a quarantined record stays readable (its TTL). Defaults to 30. */
  readonly quarantineRetentionDays?: number;
  /** Decides which quarantined records have expired, and paces retries. Defaults to the system clock. */
  readonly clock?: Clock;
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Requests in flight at once per store call; enough to use a partition's bandwidth, not to flood it. */
const PARALLEL_REQUESTS = 32;
/** The most items one BatchWriteItem takes. */
const BATCH_WRITE_LIMIT = 25;
/** Attempts at items DynamoDB left unprocessed, with doubling pauses from 25 ms. */
const UNPROCESSED_ATTEMPTS = 6;
/** Attempts at writing one counter while concurrent writers keep making the recomputation stale. */
const COUNTER_ATTEMPTS = 8;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const keyOf = (event: ActivityEvent): string => JSON.stringify([event.userId, event.eventId]);

/** The sort-key bounds of a day range's items of one kind: `C#first` .. `C#last`, `D#first#` .. `D#last$`. */
const firstAndLastDay = (range: DayRange): readonly [DayKey, DayKey] => [
  dayKeyOf(range.from),
  dayKeyOf(range.to - DAY_MS),
];

/**
 * The event store on one DynamoDB table, exact under at-least-once delivery, crashes between any
 * two requests and concurrent appends, without transactions (docs/dynamodb-design.md):
 * 1. each event claims its idempotency key (`U#user`, `E#eventId`) with a conditional put: the
 *    first version stands, a later one is a duplicate or a conflict whatever its day;
 * 2. the stored version of every event of the call (duplicates too) is written into its day's item
 *    collection (`D#day#eventId`), idempotently;
 * 3. every user-day touched is recomputed from its stored events (strongly consistent Query) and
 *    written with a `SET` guarded by the number of events it was computed from, so a stale
 *    recomputation never overwrites a newer one. Never an `ADD`: a redelivery recomputes, it does
 *    not increment, and so heals whatever a crash left behind.
 * SDK errors become `EventStoreError`s (`throttled`, `unavailable`, `failed`).
 *
 * @example
 * ```ts
 * const store = createDynamoDbEventStore({ client: createDynamoDbClients().document, tableName: 'activity-history' });
 * await store.append([event]); // [{ kind: 'new' }]
 * await store.append([event]); // [{ kind: 'duplicate' }]
 * ```
 */
export const createDynamoDbEventStore = (options: DynamoDbEventStoreOptions): EventStore => {
  const { client, tableName } = options;
  const clock = options.clock ?? systemClock;
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

  const queryAll = async (
    input: Omit<QueryCommandInput, 'TableName'>,
  ): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
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

  const queryBetween = (userId: string, low: string, high: string, consistent: boolean) =>
    queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': userKey(userId), ':low': low, ':high': high },
      ConsistentRead: consistent,
    });

  const readCounters = async (
    userId: string,
    range: DayRange,
    consistent: boolean,
  ): Promise<DailyCounter[]> => {
    const [first, last] = firstAndLastDay(range);
    const items = await queryBetween(userId, counterKey(first), counterKey(last), consistent);
    return items.map(dailyCounterOf).filter((counter) => counter.summary.count > 0);
  };

  const readStoredEvents = async (userId: string, range: DayRange, consistent: boolean) => {
    const [first, last] = firstAndLastDay(range);
    // '$' sorts right after '#': the bound takes in every event of the last day.
    const items = await queryBetween(userId, dayEventsPrefix(first), `D#${last}$`, consistent);
    return items.map((item) => eventOf(userId, item));
  };

  /** Claims an event's key, or reads the version that holds it. */
  const claim = async (event: ActivityEvent): Promise<{ stored: ActivityEvent; isNew: boolean }> => {
    const created = await call('PutItem', async () => {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: claimItemOf(event),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    });
    if (created) return { stored: event, isNew: true };
    const found = await call('GetItem', () =>
      client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: userKey(event.userId), sk: claimKey(event.eventId) },
          ConsistentRead: true,
        }),
      ),
    );
    if (found.Item === undefined) {
      throw new EventStoreError('failed', `the claim of event ${event.eventId} exists but cannot be read`);
    }
    return { stored: eventOf(event.userId, found.Item), isNew: false };
  };

  const batchPut = async (items: readonly EventItem[]): Promise<void> => {
    const chunks: EventItem[][] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT)
      chunks.push(items.slice(i, i + BATCH_WRITE_LIMIT));
    await settleAll(chunks, PARALLEL_REQUESTS, async (chunk) => {
      let requests = chunk.map((item) => ({ PutRequest: { Item: { ...item } } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) {
          throw new EventStoreError('throttled', `BatchWriteItem left ${requests.length} items unprocessed`);
        }
        if (attempt > 1) await clock.sleep(25 * 2 ** (attempt - 2));
        const response = await call('BatchWriteItem', () =>
          client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } })),
        );
        requests = (response.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    });
  };

  /** Writes a user-day counter from the events seen, unless a counter from more events is there. */
  const writeCounter = (userId: string, day: DayKey, events: readonly ActivityEvent[]): Promise<boolean> =>
    call(events.length === 0 ? 'DeleteItem' : 'PutItem', async () => {
      const guard = {
        ConditionExpression: 'attribute_not_exists(seen) OR seen <= :seen',
        ExpressionAttributeValues: { ':seen': events.length },
      };
      const summary = dailyCountersOf(events)[0]?.summary;
      try {
        if (summary === undefined) {
          await client.send(
            new DeleteCommand({
              TableName: tableName,
              Key: { pk: userKey(userId), sk: counterKey(day) },
              ...guard,
            }),
          );
        } else {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: counterItemOf(userId, day, summary, events.length),
              ...guard,
            }),
          );
        }
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    });

  /** Recomputes a user-day counter from the day's stored events, read strongly consistent. */
  const recomputeCounter = async (userId: string, day: DayKey): Promise<void> => {
    for (let attempt = 1; attempt <= COUNTER_ATTEMPTS; attempt++) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
        ExpressionAttributeValues: { ':pk': userKey(userId), ':day': dayEventsPrefix(day) },
        ConsistentRead: true,
      });
      if (
        await writeCounter(
          userId,
          day,
          items.map((item) => eventOf(userId, item)),
        )
      )
        return;
      // A concurrent writer stored a counter from more events than this read saw: read again.
    }
    throw new EventStoreError(
      'unavailable',
      `the counter of ${day} kept changing during ${COUNTER_ATTEMPTS} attempts`,
    );
  };

  return {
    async append(events) {
      if (events.length === 0) return [];
      const firsts = new Map<string, ActivityEvent>();
      for (const event of events) if (!firsts.has(keyOf(event))) firsts.set(keyOf(event), event);
      const claims = await settleAll([...firsts.values()], PARALLEL_REQUESTS, claim);
      const claimed = new Map([...firsts.keys()].map((key, i) => [key, claims[i]!] as const));

      const judged = new Set<string>();
      const outcomes = events.map((event): AppendOutcome => {
        const key = keyOf(event);
        const { stored, isNew } = claimed.get(key)!;
        const first = !judged.has(key);
        judged.add(key);
        if (first && isNew) return { kind: 'new' };
        return sameContent(stored, event)
          ? { kind: 'duplicate' }
          : { kind: 'conflict', stored: { ...stored } };
      });

      // The stored versions go (again) into their days' collections: a crash may have stopped a
      // previous delivery between the claim and this write.
      const stored = claims.map((c) => c.stored);
      await batchPut(stored.map(dayEventItemOf));
      const touched = new Map<string, { userId: string; day: DayKey }>();
      for (const event of stored) {
        touched.set(JSON.stringify([event.userId, dayOf(event)]), {
          userId: event.userId,
          day: dayOf(event),
        });
      }
      await settleAll([...touched.values()], PARALLEL_REQUESTS, ({ userId, day }) =>
        recomputeCounter(userId, day),
      );
      return outcomes;
    },

    async quarantine(records: readonly QuarantinedRecord[]) {
      await settleAll(records, PARALLEL_REQUESTS, (record) =>
        call('PutItem', async () => {
          try {
            // The first entry of a record and reason stands: a redelivery does not move it.
            await client.send(
              new PutCommand({
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

    readDailyCounters: (userId, range) => readCounters(userId, range, false),

    readEvents: (userId, range) => readStoredEvents(userId, range, false),

    async readQuarantine(userId, limit) {
      if (limit <= 0) return [];
      const now = clock.now();
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userKey(userId), ':prefix': QUARANTINE_PREFIX },
      });
      // TTL deletes expired items up to days late: expiry is decided here, by the clock.
      return items
        .map((item) => quarantinedRecordOf(userId, item))
        .filter((record) => record.quarantinedAt + retentionMs > now)
        .sort((a, b) => b.quarantinedAt - a.quarantinedAt || (a.recordId < b.recordId ? 1 : -1))
        .slice(0, limit);
    },

    async repairCounters(userId, range): Promise<CounterRepair> {
      const [counters, events] = await Promise.all([
        readCounters(userId, range, true),
        readStoredEvents(userId, range, true),
      ]);
      const fixed = counterDrift(counters, dailyCountersOf(events));
      await settleAll(fixed, PARALLEL_REQUESTS, (drift) => recomputeCounter(userId, drift.day));
      return { userId, range, fixed };
    },
  };
};
