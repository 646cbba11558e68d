import {
  type ActivityEvent,
  counterDrift,
  dailyCountersOf,
  dayRange,
  type EventStore,
  EventStoreError,
} from '@activity-history/core';
import { describeEventStoreContract, type EventStoreHarness } from '@activity-history/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDbClients } from './aws-clients.js';
import { createDynamoDbEventStore } from './dynamodb-event-store.js';
import {
  emulatorConfig,
  ensureTable,
  injectDynamoDbCrash,
  type RunningEmulator,
  startDynalite,
  startDynamoDbLocal,
  tamperDynamoDbCounter,
} from './testing/index.js';

const TABLE = 'activity-history-test';

/**
 * One backend per kind for the whole file, started by the first harness that needs it (the
 * contract suite builds a harness while collecting its tests, before any `beforeAll`) and stopped
 * after the file's tests.
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
  const { client, document } = createDynamoDbClients(emulatorConfig(endpoint));
  const crash = injectDynamoDbCrash(client);
  const inner = createDynamoDbEventStore({ client: document, tableName: TABLE });
  // A crash that did not fire during the append it was meant for is dropped.
  const store: EventStore = {
    ...inner,
    append: (events) => inner.append(events).finally(() => crash.clear()),
  };
  return {
    store,
    client,
    document,
    crash,
    cleanup: async () => client.destroy(),
    tamperCounter: (userId, day, summary) => tamperDynamoDbCounter(document, TABLE, userId, day, summary),
    injectCrash: (afterWrites) => crash.crashAfterWrites(afterWrites),
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
    it('is exact after a crash between any two requests of a multi-user append, then redelivery', async () => {
      const harness = await harnessOn(backend);
      try {
        // How many write requests one clean delivery makes: the crash points to try are all of them.
        const before = harness.crash.writes();
        await harness.store.append(workload(`count${runs++}`));
        const writes = harness.crash.writes() - before;
        let crashes = 0;
        for (let afterWrites = 0; afterWrites < writes; afterWrites++) {
          const events = workload(`crash${runs++}`);
          harness.injectCrash(afterWrites);
          const first = await harness.store.append(events).then(
            () => null,
            (error: unknown) => error,
          );
          if (first !== null) {
            crashes++;
            expect(first).toBeInstanceOf(EventStoreError);
            expect((first as EventStoreError).failure).toBe('unavailable');
          }
          const redelivered = await harness.store.append(events);
          expect(redelivered.filter((o) => o.kind === 'conflict')).toHaveLength(1);
          await expectExactModel(harness.store, firstVersions(events));
        }
        expect(crashes).toBe(writes);
      } finally {
        await harness.cleanup();
      }
    });

    it('stays exact when two processes (two clients) replay the same batches concurrently', async () => {
      const [a, b] = await Promise.all([harnessOn(backend), harnessOn(backend)]);
      try {
        const events = workload(`replay${runs++}`);
        const halves = [events.slice(0, 9), events.slice(5)];
        const outcomes = await Promise.all([
          a.store.append(halves[0]!),
          b.store.append(halves[1]!),
          a.store.append(events),
          b.store.append([...events].reverse()),
        ]);
        const news = outcomes.flat().filter((o) => o.kind === 'new');
        expect(news).toHaveLength(firstVersions(events).length);
        const stored = (await a.store.readEvents(events[0]!.userId, ALL_TIME)).concat(
          ...(await Promise.all(
            [...new Set(events.slice(1).map((e) => e.userId))]
              .filter((u) => u !== events[0]!.userId)
              .map((u) => a.store.readEvents(u, ALL_TIME)),
          )),
        );
        await expectExactModel(a.store, stored);
        expect(stored).toHaveLength(firstVersions(events).length);
      } finally {
        await Promise.all([a.cleanup(), b.cleanup()]);
      }
    });

    it('keeps quarantine entries with a TTL attribute, and stops returning them once expired', async () => {
      const harness = await harnessOn(backend);
      let now = Date.UTC(2026, 2, 1);
      const store = createDynamoDbEventStore({
        client: harness.document,
        tableName: TABLE,
        quarantineRetentionDays: 1,
        clock: { now: () => now, sleep: async () => {} },
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

describe('DynamoDB event store failures', () => {
  it('reports a missing table as failed, not retryable', async () => {
    const harness = await harnessOn(backends[0]!.backend);
    const store = createDynamoDbEventStore({ client: harness.document, tableName: 'no-such-table' });
    try {
      const error = await store
        .append([event('u-1', 'e-1', '2026-03-01T00:00:00Z')])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).failure).toBe('failed');
      expect((error as EventStoreError).retryable).toBe(false);
    } finally {
      await harness.cleanup();
    }
  });

  it('reports a backend that stopped answering as unavailable, and retryable', async () => {
    const emulator = await startDynalite();
    const { client, document } = createDynamoDbClients({
      ...emulatorConfig(emulator.endpoint),
      maxAttempts: 1,
    });
    await ensureTable(client, TABLE);
    const store = createDynamoDbEventStore({ client: document, tableName: TABLE });
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
