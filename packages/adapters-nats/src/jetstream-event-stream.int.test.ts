import { type ActivityEvent, decodeRecord, type StreamEnvelope } from '@activity-history/core';
import { describeEventStreamContract } from '@activity-history/core/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createJetStreamEventStream } from './jetstream-event-stream.js';
import { partitionOf, partitionSubject, USER_ID_HEADER } from './partitions.js';
import { ensureJetStream } from './provisioning.js';
import {
  type JetStreamHarness,
  jetStreamHarness,
  sharedNatsServer,
  startNatsServer,
} from './testing/index.js';

/** One server for the file, started by the first test that needs it. */
const nats = sharedNatsServer();
const server = nats.get;
afterAll(nats.stop);

const event = (i: number, overrides: Partial<ActivityEvent> = {}): ActivityEvent => ({
  eventId: `e-${i}`,
  userId: `u-${i % 7}`,
  type: 'track.played',
  occurredAt: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
  quantity: 1,
  attributes: {},
  ...overrides,
});

const envelope = (
  e: ActivityEvent,
  correlationId = 'c-1',
  receivedAt = '2026-03-01T12:00:00.000Z',
): StreamEnvelope => ({
  v: 1,
  event: e,
  correlationId,
  receivedAt,
});

/** Every record of the harness's stream, per shard in order, decoded by the processor's decoder. */
const readDecoded = async (harness: JetStreamHarness) => {
  const shards = await harness.source.shardIds();
  const perShard = await Promise.all(shards.map((shard) => harness.source.read(shard, null, 1_000_000)));
  return perShard.flat().map((record) => ({ record, decoded: decodeRecord(record, Date.UTC(2026, 2, 2)) }));
};

const withHarness = async (test: (harness: JetStreamHarness) => Promise<void>, partitions = 3) => {
  const harness = await jetStreamHarness(await server(), partitions);
  try {
    await test(harness);
  } finally {
    await harness.cleanup();
  }
};

describeEventStreamContract('JetStream', async () => jetStreamHarness(await server()));

describe('JetStream event stream', () => {
  it("drops a producer's retry of the same event within the duplicate window, and reports it written", async () => {
    await withHarness(async (harness) => {
      const first = await harness.stream.publish([envelope(event(1))]);
      // A retry may come with a new arrival time: the content decides, not the envelope.
      const retry = await harness.stream.publish([envelope(event(1), 'c-1', '2026-03-01T12:00:05.000Z')]);

      expect(first).toEqual([{ written: true }]);
      expect(retry).toEqual([{ written: true }]);
      expect(
        (await readDecoded(harness)).map(({ decoded }) => decoded.kind === 'event' && decoded.event.eventId),
      ).toEqual(['e-1']);
    });
  });

  it('publishes a conflicting resend (same key, other content), so that the processor sees the conflict', async () => {
    await withHarness(async (harness) => {
      await harness.stream.publish([envelope(event(1))]);
      const conflicting = await harness.stream.publish([envelope(event(1, { quantity: 5 }))]);
      const reordered = await harness.stream.publish([
        envelope(event(2, { attributes: { a: 1, b: 'x' } })),
        envelope(event(2, { attributes: { b: 'x', a: 1 } })),
      ]);

      expect(conflicting).toEqual([{ written: true }]);
      expect(reordered).toEqual([{ written: true }, { written: true }]);
      const read = (await readDecoded(harness)).flatMap(({ decoded }) =>
        decoded.kind === 'event' ? [[decoded.event.eventId, decoded.event.quantity]] : [],
      );
      // The attributes compare as a set: the second e-2 is a resend, dropped.
      expect(read.sort()).toEqual([
        ['e-1', 1],
        ['e-1', 5],
        ['e-2', 1],
      ]);
    });
  });

  it('keeps each user on one partition, in publish order, with users spread over the partitions', async () => {
    await withHarness(async (harness) => {
      const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
      const published = Array.from({ length: 120 }, (_, i) =>
        event(i, { userId: users[(i * 5) % users.length]! }),
      );
      for (let call = 0; call < 4; call++) {
        const outcomes = await harness.stream.publish(
          published.slice(call * 30, call * 30 + 30).map((e) => envelope(e)),
        );
        expect(outcomes.every((o) => o.written)).toBe(true);
      }

      const read = await readDecoded(harness);

      const shardsOf = new Map<string, Set<string>>();
      for (const { record } of read) {
        shardsOf.set(record.partitionKey, (shardsOf.get(record.partitionKey) ?? new Set()).add(record.shard));
      }
      for (const user of users) {
        expect([...(shardsOf.get(user) ?? [])]).toEqual([
          partitionSubject(harness.streamName, partitionOf(user, 4)),
        ]);
        expect(
          read.flatMap(({ decoded }) =>
            decoded.kind === 'event' && decoded.event.userId === user ? [decoded.event.eventId] : [],
          ),
        ).toEqual(published.filter((e) => e.userId === user).map((e) => e.eventId));
      }
      expect(new Set(read.map(({ record }) => record.shard)).size).toBe(4);
    }, 4);
  });

  it('carries the user id in the Activity-User-Id header, so a record whose data is unreadable is still attributed', async () => {
    await withHarness(async (harness) => {
      await harness.stream.publish([envelope(event(3, { userId: 'org:7|x' }))]);
      const header = headers();
      header.set(USER_ID_HEADER, 'u-broken');
      await jetstream(harness.connection).publish(
        partitionSubject(harness.streamName, partitionOf('u-broken', harness.partitions)),
        new TextEncoder().encode('{"v":1,"event":'),
        { headers: header },
      );

      const read = await readDecoded(harness);

      const stored = await (await jetstreamManager(harness.connection)).streams.getMessage(
        harness.streamName,
        { seq: 1 },
      );
      expect(stored?.header.get(USER_ID_HEADER)).toBe('org:7|x');
      expect(read.map(({ record }) => record.partitionKey).sort()).toEqual(['org:7|x', 'u-broken']);
      expect(read.find(({ record }) => record.partitionKey === 'u-broken')?.decoded).toMatchObject({
        kind: 'malformed_record',
        userId: 'u-broken',
      });
    });
  });

  it('reports every envelope as refused, not retryable, when no stream captures the subjects', async () => {
    await withHarness(async (harness) => {
      const missing = createJetStreamEventStream({
        connection: harness.connection,
        stream: 'no-such-stream',
        partitions: 2,
      });

      const outcomes = await missing.publish([envelope(event(1)), envelope(event(2))]);

      expect(outcomes).toEqual([
        {
          written: false,
          retryable: false,
          reason: expect.stringMatching(/JetStreamNotEnabled|no responders/i),
        },
        {
          written: false,
          retryable: false,
          reason: expect.stringMatching(/JetStreamNotEnabled|no responders/i),
        },
      ]);
    });
  });

  it('reports a timed-out publish as refused and retryable when the server stops answering', async () => {
    const own = await startNatsServer();
    const connection = await connect({ servers: own.server, reconnectTimeWait: 50 });
    try {
      await ensureJetStream(await jetstreamManager(connection), {
        name: 'down',
        subjects: ['down.*'],
        duplicateWindowMs: 60_000,
      });
      const stream = createJetStreamEventStream({
        connection,
        stream: 'down',
        partitions: 2,
        publishTimeoutMs: 500,
      });
      await own.stop();

      const outcomes = await stream.publish([envelope(event(1))]);

      expect(outcomes).toEqual([
        { written: false, retryable: true, reason: expect.stringMatching(/timeout/i) },
      ]);
    } finally {
      await connection.close();
    }
  });
});

describe('ensureJetStream', () => {
  it('creates the stream once, then brings it to a new duplicate window without a new life', async () => {
    const connection = await connect({ servers: (await server()).server });
    try {
      const jsm = await jetstreamManager(connection);
      const definition = { name: 'provisioned', subjects: ['provisioned.*'], duplicateWindowMs: 60_000 };

      const created = await ensureJetStream(jsm, definition);
      const again = await ensureJetStream(jsm, definition);
      const widened = await ensureJetStream(jsm, { ...definition, duplicateWindowMs: 300_000 });

      expect(again.created).toBe(created.created);
      expect(widened.created).toBe(created.created);
      const info = await jsm.streams.info('provisioned');
      expect(info.config.duplicate_window).toBe(300_000 * 1_000_000);
      expect(info.config.allow_direct).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
