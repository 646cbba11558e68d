import {
  emulatorConfig,
  type RunningEmulator,
  startDynalite,
  startDynamoDbLocal,
} from '@activity-history/aws-emulators';
import {
  type ActivityEvent,
  counterDrift,
  dailyCountersOf,
  dayRange,
  type EventStore,
  EventStoreError,
  type PositionedEvent,
  processBatch,
} from '@activity-history/core';
import { describeEventStoreContract, type EventStoreHarness } from '@activity-history/core/testing';
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDbClients } from './aws-clients.js';
import { createDynamoDbEventStore } from './dynamodb-event-store.js';
import { ensureTable } from './provisioning.js';
import { injectDynamoDbFaults, tamperDynamoDbCounter, tamperDynamoDbWatermark } from './testing/index.js';

const TABLE = 'activity-history-test';

/**
 * One backend per kind for the whole file, started by the first harness that needs it and
 * stopped after the file's tests.
 */
const lazyBackend = (start: () => Promise<RunningEmulator>) => {
  let running: Promise<RunningEmulator> | undefined;
  afterAll(async () => {
    await (await running)?.stop();
  });
  return () =>
    (running ??= start().then(async (emulator) => {
      const { client } = createDynamoDbClients(emulatorConfig(emulator.endpoint));
      await ensureTable(client, TABLE);
      client.destroy();
      return emulator;
    }));
};

const backends = [
  { name: 'dynalite', backend: lazyBackend(() => startDynalite()) },
  { name: 'DynamoDB Local', backend: lazyBackend(() => startDynamoDbLocal()) },
];

const harnessOn = async (backend: () => Promise<RunningEmulator>) => {
  const { endpoint } = await backend();
  const { client } = createDynamoDbClients(emulatorConfig(endpoint));
  const faults = injectDynamoDbFaults(client);
  const inner = createDynamoDbEventStore({ client, tableName: TABLE });
  // A fault concerns the append it was armed for: it is disarmed when that append ends.
  const store: EventStore = {
    ...inner,
    append: (events) => inner.append(events).finally(() => faults.disarm()),
  };
  return {
    store,
    /** The store without the disarming wrapper, for a delivery of several appends under one fault. */
    inner,
    client,
    faults,
    cleanup: async () => client.destroy(),
    injectWriteFault: faults.injectWriteFault,
    holdNextWrite: faults.holdNextWrite,
    tamperCounter: (userId, day, summary) => tamperDynamoDbCounter(client, TABLE, userId, day, summary),
    tamperWatermark: (userId, day, type, shard, sequence) =>
      tamperDynamoDbWatermark(client, TABLE, userId, day, type, shard, sequence),
  } satisfies EventStoreHarness & Record<string, unknown>;
};

const ALL_TIME = (() => {
  const range = dayRange(Date.UTC(2000, 0, 1), Date.UTC(2031, 0, 1));
  if (!range.ok) throw new Error('bad range');
  return range.value;
})();

let runs = 0;
const event = (userId: string, eventId: string, occurredAt: string, quantity = 1): ActivityEvent => ({
  eventId,
  userId,
  type: quantity > 2 ? 'page.read' : 'track.played',
  occurredAt,
  quantity,
  attributes: { source: 'test' },
});

/** A workload of several users over a few days, with resends and a conflicting version. */
const workload = (prefix: string): ActivityEvent[] => {
  const events: ActivityEvent[] = [];
  for (let i = 0; i < 12; i++) {
    events.push(
      event(`${prefix}.u-${i % 3}`, `e-${i}`, `2026-03-0${1 + (i % 4)}T${10 + i}:00:00.000Z`, (i % 5) + 0.25),
    );
  }
  return [...events, events[2]!, { ...events[4]!, quantity: 42 }, events[7]!];
};

let sequence = 10_000;
/** Records of one shard, in order: appending them again is a redelivery. */
const recordsOf = (events: readonly ActivityEvent[]): PositionedEvent[] =>
  events.map((e) => ({
    event: e,
    position: { shard: 'shardId-000000000000', sequence: String(sequence++) },
  }));

/** One user's records per call, as the processor stores them. */
const appendByUser = async (store: EventStore, records: readonly PositionedEvent[]) => {
  const users = [...new Set(records.map((r) => r.event.userId))];
  // Like the processor: every user's call settles before the delivery ends, failed or not.
  const settled = await Promise.allSettled(
    users.map((u) => store.append(records.filter((r) => r.event.userId === u))),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
};

const firstVersions = (events: readonly ActivityEvent[]) => {
  const first = new Map<string, ActivityEvent>();
  for (const e of events)
    if (!first.has(`${e.userId}/${e.eventId}`)) first.set(`${e.userId}/${e.eventId}`, e);
  return [...first.values()];
};

const expectExactModel = async (store: EventStore, expected: readonly ActivityEvent[]) => {
  for (const userId of new Set(expected.map((e) => e.userId))) {
    const mine = expected.filter((e) => e.userId === userId);
    const stored = await store.readEvents(userId, ALL_TIME);
    expect(stored.map((e) => e.eventId).sort()).toEqual(mine.map((e) => e.eventId).sort());
    expect(counterDrift(await store.readDailyCounters(userId, ALL_TIME), dailyCountersOf(mine))).toEqual([]);
  }
};

for (const { name, backend } of backends) {
  describeEventStoreContract(`DynamoDB on ${name}`, () => harnessOn(backend));

  describe(`DynamoDB event store on ${name}`, () => {
    it('is exact after a crash at any write request of a multi-user delivery, then redelivery', async () => {
      const harness = await harnessOn(backend);
      try {
        // How many write requests one clean delivery makes: the crash points to try are all of them.
        const before = harness.faults.writes();
        await appendByUser(harness.inner, recordsOf(workload(`count${runs++}`)));
        const writes = harness.faults.writes() - before;
        let crashes = 0;
        for (let afterWrites = 0; afterWrites < writes; afterWrites++) {
          const records = recordsOf(workload(`crash${runs++}`));
          const sent = harness.faults.writes();
          harness.faults.injectWriteFault({ kind: 'crash', afterWrites });
          const first = await appendByUser(harness.inner, records).then(
            () => null,
            (error: unknown) => error,
          );
          harness.faults.disarm();
          if (first === null) {
            // The fault had no write left to hit: this delivery made fewer writes than the counted one.
            expect(harness.faults.writes() - sent).toBeLessThanOrEqual(afterWrites);
          } else {
            crashes++;
            expect(first).toBeInstanceOf(EventStoreError);
            expect((first as EventStoreError).failure).toBe('unavailable');
          }
          const redelivered = await appendByUser(harness.inner, records);
          expect(redelivered.filter((o) => o.kind === 'conflict')).toHaveLength(1);
          await expectExactModel(harness.store, firstVersions(records.map((r) => r.event)));
        }
        expect(crashes).toBe(writes);
      } finally {
        await harness.cleanup();
      }
    });

    it('stays exact when two processes (two clients) deliver the same records concurrently', async () => {
      const [a, b] = await Promise.all([harnessOn(backend), harnessOn(backend)]);
      try {
        const records = recordsOf(workload(`replay${runs++}`));
        await Promise.all([
          appendByUser(a.store, records.slice(0, 9)),
          appendByUser(b.store, records),
          appendByUser(a.store, records),
        ]);
        await expectExactModel(a.store, firstVersions(records.map((r) => r.event)));
      } finally {
        await Promise.all([a.cleanup(), b.cleanup()]);
      }
    });

    it('reads strongly consistently wherever a read decides a counter or an outcome', async () => {
      const harness = await harnessOn(backend);
      const reads: { command: string; consistent: unknown }[] = [];
      harness.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (/^(Get|Query|BatchGet)/.test(context.commandName ?? '')) {
            reads.push({
              command: context.commandName ?? '',
              consistent: (args.input as { ConsistentRead?: unknown }).ConsistentRead,
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'recordReads' },
      );
      try {
        const user = `strong${runs++}.u-1`;
        const records = recordsOf([
          event(user, 'e-1', '2026-03-01T10:00:00Z'),
          event(user, 'e-2', '2026-03-01T11:00:00Z'),
        ]);
        await harness.store.append(records);
        // A zombie's counter write lands after the redelivery: the refused write learns the watermark.
        const held = harness.holdNextWrite('counter');
        const zombie = harness.store.append(records);
        await held.reached;
        await harness.store.append(
          recordsOf([event(user, 'e-1', '2026-03-01T10:00:00Z'), event(user, 'e-3', '2026-03-01T12:00:00Z')]),
        );
        held.release();
        await zombie;
        await harness.tamperCounter(user, '2026-03-01', null);
        await harness.store.repairCounters(user, ALL_TIME);

        expect(reads.length).toBeGreaterThanOrEqual(3);
        expect(reads.filter((read) => read.consistent !== true)).toEqual([]);
      } finally {
        await harness.cleanup();
      }
    });

    it('refuses an item it cannot hold as the outcome `refused`, and stores the other events', async () => {
      const harness = await harnessOn(backend);
      try {
        const user = `refuse${runs++}.u-1`;
        // Past validation (a bug, or a producer that writes to the table's rules directly): an item over 400 KB.
        const huge = {
          ...event(user, 'e-huge', '2026-03-01T10:00:00Z'),
          attributes: { note: 'x'.repeat(420_000) },
        };
        const fine = event(user, 'e-fine', '2026-03-01T10:00:00Z');

        const outcomes = await harness.store.append(recordsOf([huge, fine]));

        expect(outcomes[0]?.kind).toBe('refused');
        expect(outcomes[0]?.kind === 'refused' && outcomes[0].message).toMatch(/size|length/i);
        expect(outcomes[1]).toEqual({ kind: 'new' });
        await expectExactModel(harness.store, [fine]);
      } finally {
        await harness.cleanup();
      }
    });

    it('keeps attribute numbers exactly, beyond 2^53 and down to 1e-130, and prototype-named keys', async () => {
      const harness = await harnessOn(backend);
      try {
        const user = `numbers${runs++}.u-1`;
        const stored = {
          ...event(user, 'e-1', '2026-03-01T10:00:00Z'),
          attributes: {
            big: 2 ** 60 + 2 ** 10,
            tiny: 1e-130,
            huge: 9.999e125,
            neg: -1.5e-7,
            toString: 'x',
            valueOf: 0,
          },
        };
        await harness.store.append(recordsOf([stored]));
        expect(await harness.store.readEvents(user, ALL_TIME)).toEqual([stored]);
      } finally {
        await harness.cleanup();
      }
    });

    it('repairs counters that agree with their events without a write, and rewrites a foreign one', async () => {
      const harness = await harnessOn(backend);
      try {
        const user = `repair-quiet${runs++}.u-1`;
        const records = recordsOf([
          event(user, 'e-1', '2026-03-01T10:00:00Z'),
          event(user, 'e-2', '2026-03-02T10:00:00Z'),
        ]);
        await harness.store.append(records);
        const before = harness.faults.writes();

        expect((await harness.store.repairCounters(user, ALL_TIME)).fixed).toEqual([]);
        expect(harness.faults.writes()).toBe(before);

        // A counter item some other tool wrote: figures right, no version, no watermark.
        await harness.client.send(
          new PutItemCommand({
            TableName: TABLE,
            Item: {
              pk: { S: `U#${user}` },
              sk: { S: 'C#2026-03-01#track.played' },
              n: { N: '1' },
              q: { N: '1000000' },
            },
          }),
        );
        await harness.store.repairCounters(user, ALL_TIME);
        await harness.store.append(records);
        await expectExactModel(
          harness.store,
          records.map((r) => r.event),
        );
      } finally {
        await harness.cleanup();
      }
    });

    it('writes the TTL of a quarantined record as epoch seconds of its expiry', async () => {
      const harness = await harnessOn(backend);
      try {
        const userId = `ttl-raw${runs++}.u-1`;
        const quarantinedAt = Date.UTC(2026, 2, 1, 0, 0, 0, 500);
        await harness.store.quarantine([
          {
            userId,
            eventId: 'e-1',
            reason: 'conflict',
            errors: [],
            payload: '{}',
            quarantinedAt,
            recordId: '7',
            correlationId: 'c',
          },
        ]);
        const { Item } = await harness.client.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: { pk: { S: `U#${userId}` }, sk: { S: 'Q#conflict#7' } },
          }),
        );
        expect(Item?.expiresAt).toEqual({ N: String(Math.ceil((quarantinedAt + 30 * 86_400_000) / 1000)) });
      } finally {
        await harness.cleanup();
      }
    });

    it('keeps quarantine entries with a TTL attribute, and stops returning them once expired', async () => {
      const harness = await harnessOn(backend);
      let now = Date.UTC(2026, 2, 1);
      const store = createDynamoDbEventStore({
        client: harness.client,
        tableName: TABLE,
        quarantineRetentionDays: 1,
        clock: { now: () => now },
      });
      const userId = `ttl${runs++}.u-1`;
      try {
        await store.quarantine([
          {
            userId,
            eventId: null,
            reason: 'malformed_record',
            errors: [{ path: '', message: 'record data is not JSON' }],
            payload: 'x'.repeat(2048),
            quarantinedAt: now,
            recordId: '49590338271490256608559692538361571095921575989136588898',
            correlationId: null,
          },
        ]);
        expect((await store.readQuarantine(userId, 20)).map((r) => r.payload.length)).toEqual([2048]);
        now += 86_400_000;
        expect(await store.readQuarantine(userId, 20)).toEqual([]);
      } finally {
        await harness.cleanup();
      }
    });
  });
}

const clockAt = (ms: number) => ({ now: () => ms, sleep: async () => {} });
const noMetrics = { record: () => {}, flush: async () => {} };
const incoming = (records: readonly PositionedEvent[]) =>
  records.map((r) => ({
    recordId: r.position.sequence,
    shard: r.position.shard,
    partitionKey: r.event.userId,
    data: new TextEncoder().encode(JSON.stringify(r.event)),
    arrivedAt: Date.UTC(2026, 2, 1),
  }));

describe('DynamoDB event store failures', () => {
  it('reports a missing table as failed, not retryable', async () => {
    const harness = await harnessOn(backends[0]!.backend);
    const store = createDynamoDbEventStore({ client: harness.client, tableName: 'no-such-table' });
    try {
      const error = await store
        .append(recordsOf([event('u-1', 'e-1', '2026-03-01T00:00:00Z')]))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).failure).toBe('failed');
      expect((error as EventStoreError).retryable).toBe(false);
    } finally {
      await harness.cleanup();
    }
  });

  it('treats a refusal of every write (a mis-keyed table) as systemic: retried, never quarantined', async () => {
    const harness = await harnessOn(backends[0]!.backend);
    const misKeyed = `mis-keyed-${runs++}`;
    await createMisKeyedTable(harness.client, misKeyed);
    const store = createDynamoDbEventStore({ client: harness.client, tableName: misKeyed });
    try {
      const records = incoming(
        recordsOf([event('u-1', 'e-1', '2026-03-01T00:00:00Z'), event('u-2', 'e-2', '2026-03-01T00:00:00Z')]),
      );
      const report = await processBatch(records, {
        store,
        clock: clockAt(Date.UTC(2026, 2, 1, 1)),
        metrics: noMetrics,
      });
      expect(report.retry).toEqual(records.map((r) => r.recordId));
      expect(report.quarantined.unstorable).toBe(0);
    } finally {
      await harness.cleanup();
    }
  });

  it('reports a backend that stopped answering as unavailable, and retryable', async () => {
    const emulator = await startDynalite();
    const { client } = createDynamoDbClients({ ...emulatorConfig(emulator.endpoint), maxAttempts: 1 });
    await ensureTable(client, TABLE);
    const store = createDynamoDbEventStore({ client, tableName: TABLE });
    await emulator.stop();
    try {
      const error = await store.readEvents('u-1', ALL_TIME).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).failure).toBe('unavailable');
    } finally {
      client.destroy();
    }
  });
});

/** A table whose keys are named otherwise: every write is refused as invalid. */
const createMisKeyedTable = (client: DynamoDBClient, name: string) =>
  client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
