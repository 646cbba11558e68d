import {
  emulatorConfig,
  type RunningEmulator,
  startKinesalite,
  startKinesisLocal,
} from '@activity-history/aws-emulators';
import {
  type ActivityEvent,
  type Clock,
  decodeRecord,
  publishWithRetry,
  type StreamEnvelope,
} from '@activity-history/core';
import { describeEventStreamContract, type EventStreamHarness } from '@activity-history/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from './aws-clients.js';
import { createKinesisEventStream, MAX_BYTES_PER_CALL } from './kinesis-event-stream.js';
import { ensureStream } from './provisioning.js';
import { injectKinesisRefusals, readAllRecords } from './testing/index.js';

/** One backend per kind for the whole file, started by the first harness that needs it. */
const lazyBackend = (start: () => Promise<RunningEmulator>) => {
  let running: Promise<RunningEmulator> | undefined;
  afterAll(async () => {
    await (await running)?.stop();
  });
  return () => (running ??= start());
};

const backends = [
  { name: 'kinesalite', backend: lazyBackend(() => startKinesalite()) },
  { name: 'kinesis-local', backend: lazyBackend(() => startKinesisLocal()) },
];

let streams = 0;
/** A fresh stream of two shards on the backend, with refusal injection on its client. */
const streamOn = async (backend: () => Promise<RunningEmulator>) => {
  const { endpoint } = await backend();
  const client = createKinesisClient(emulatorConfig(endpoint));
  const streamName = `activity-${Date.now().toString(36)}-${streams++}`;
  await ensureStream(client, streamName, { shardCount: 2 });
  const refusals = injectKinesisRefusals(client);
  return {
    client,
    streamName,
    refusals,
    stream: createKinesisEventStream({ client, streamName }),
    readAll: async () => readAllRecords(client, streamName),
    cleanup: async () => client.destroy(),
    refuseNext: (predicate: (envelope: StreamEnvelope) => boolean) => refusals.refuseNext(predicate),
  } satisfies EventStreamHarness & Record<string, unknown>;
};

const event = (i: number, userCount = 7): ActivityEvent => ({
  eventId: `e-${i}`,
  userId: `u-${i % userCount}`,
  type: 'track.played',
  occurredAt: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
  quantity: 1,
  attributes: {},
});

const envelope = (e: ActivityEvent, correlationId = 'c-1'): StreamEnvelope => ({
  v: 1,
  event: e,
  correlationId,
  receivedAt: '2026-03-01T12:00:00.000Z',
});

/** A clock whose sleeps pass at once, so the retry policy's backoff costs no wall time. */
const instantClock = (): Clock => {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
};

/** The event ids read back from the stream, as decoded by the processor's own decoder. */
const writtenIds = async (harness: Awaited<ReturnType<typeof streamOn>>) =>
  (await harness.readAll()).map((record) => {
    const decoded = decodeRecord(
      {
        recordId: record.sequenceNumber,
        shard: 'shardId-000000000000',
        partitionKey: record.partitionKey,
        data: record.data,
        arrivedAt: 0,
      },
      Date.UTC(2026, 2, 2),
    );
    if (decoded.kind !== 'event') throw new Error(`unreadable record: ${decoded.kind}`);
    expect(record.partitionKey).toBe(decoded.event.userId);
    return decoded.event.eventId;
  });

for (const { name, backend } of backends) {
  describeEventStreamContract(`Kinesis on ${name}`, () => streamOn(backend));

  describe(`Kinesis event stream on ${name}`, () => {
    it('with publishWithRetry, resends only the refused records and ends with each event written once', async () => {
      const harness = await streamOn(backend);
      try {
        const envelopes = Array.from({ length: 30 }, (_, i) => envelope(event(i)));
        let round = 0;
        // Round 1 refuses every third record, round 2 refuses one of those again, round 3 none.
        harness.refusals.refuseAlways((e) => {
          const i = Number(e.event.eventId.slice(2));
          return round === 1 ? i % 3 === 0 : round === 2 ? i === 3 : false;
        });
        const counting = {
          publish: (batch: readonly StreamEnvelope[]) => {
            round++;
            return harness.stream.publish(batch);
          },
        };

        const report = await publishWithRetry(counting, envelopes, instantClock(), {
          maxAttempts: 5,
          baseDelayMs: 50,
          maxDelayMs: 1_000,
          budgetMs: 10_000,
          random: () => 0.5,
        });

        const calls = harness.refusals.calls().map((call) => call.map((e) => e.event.eventId));
        expect(calls).toHaveLength(3);
        expect(calls[1]).toEqual(envelopes.filter((_, i) => i % 3 === 0).map((e) => e.event.eventId));
        expect(calls[2]).toEqual(['e-3']);
        expect(report.retriedRecords).toBe(11);
        expect(report.outcomes.every((o) => o.written)).toBe(true);
        expect((await writtenIds(harness)).sort()).toEqual(envelopes.map((e) => e.event.eventId).sort());
      } finally {
        await harness.cleanup();
      }
    });

    it('never reports written an event the stream still refused when the attempts ran out', async () => {
      const harness = await streamOn(backend);
      try {
        const envelopes = Array.from({ length: 12 }, (_, i) => envelope(event(i)));
        const stubborn = (e: StreamEnvelope) => e.event.userId === 'u-2';
        harness.refusals.refuseAlways(stubborn);

        const report = await publishWithRetry(harness.stream, envelopes, instantClock(), {
          maxAttempts: 3,
          baseDelayMs: 10,
          maxDelayMs: 100,
          budgetMs: 10_000,
          random: () => 1,
        });

        const reportedWritten = envelopes
          .filter((_, i) => report.outcomes[i]?.written)
          .map((e) => e.event.eventId);
        expect(reportedWritten.sort()).toEqual((await writtenIds(harness)).sort());
        expect(envelopes.filter((_, i) => !report.outcomes[i]?.written).every(stubborn)).toBe(true);
        expect(report.outcomes.filter((o) => !o.written)).toHaveLength(2);
        expect(harness.refusals.calls()).toHaveLength(3);
      } finally {
        await harness.cleanup();
      }
    });

    it('sends 1,200 envelopes in calls of at most 500 records, and big ones in calls of at most 5 MiB', async () => {
      const harness = await streamOn(backend);
      try {
        const small = Array.from({ length: 1_200 }, (_, i) => envelope(event(i, 50)));
        expect((await harness.stream.publish(small)).every((o) => o.written)).toBe(true);
        expect(harness.refusals.calls().map((call) => call.length)).toEqual([500, 500, 200]);

        // A 12 KiB correlation id makes each record about 12.2 KiB: 5 MiB holds about 420 of them.
        const big = Array.from({ length: 440 }, (_, i) =>
          envelope(event(i + 2_000, 50), 'c'.repeat(12 * 1024)),
        );
        expect((await harness.stream.publish(big)).every((o) => o.written)).toBe(true);
        const bigCalls = harness.refusals.calls().slice(3);
        expect(bigCalls.length).toBe(2);
        for (const call of bigCalls) {
          const bytes = call.reduce(
            (sum, e) => sum + Buffer.byteLength(JSON.stringify(e)) + Buffer.byteLength(e.event.userId),
            0,
          );
          expect(bytes).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
        }
      } finally {
        await harness.cleanup();
      }
    });

    it('reports every record of a call to a missing stream as refused, not retryable', async () => {
      const harness = await streamOn(backend);
      try {
        const missing = createKinesisEventStream({ client: harness.client, streamName: 'no-such-stream' });
        const outcomes = await missing.publish([envelope(event(1)), envelope(event(2))]);
        expect(outcomes).toHaveLength(2);
        for (const outcome of outcomes) {
          expect(outcome).toMatchObject({ written: false, retryable: false });
          expect(outcome.written === false && outcome.reason).toMatch(/ResourceNotFound/);
        }
      } finally {
        await harness.cleanup();
      }
    });
  });
}

describe('Kinesis event stream failures', () => {
  it('reports every record as refused and retryable when the backend does not answer', async () => {
    const emulator = await startKinesalite();
    const client = createKinesisClient({ ...emulatorConfig(emulator.endpoint), maxAttempts: 1 });
    await ensureStream(client, 'activity-down');
    await emulator.stop();
    try {
      const outcomes = await createKinesisEventStream({ client, streamName: 'activity-down' }).publish([
        envelope(event(1)),
      ]);
      // A refused connection or a kept-alive socket that hangs up, depending on timing.
      expect(outcomes).toEqual([
        { written: false, retryable: true, reason: expect.stringMatching(/ECONNREFUSED|socket hang up/) },
      ]);
    } finally {
      client.destroy();
    }
  });
});
