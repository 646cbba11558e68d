import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../activity-event.js';
import type { EventStream } from '../ports/event-stream.js';
import { decodeRecord, type StreamEnvelope } from '../stream-record.js';
import { ARBITRARY_NOW, validEventArb } from './arbitraries.js';

/** A record as a consumer of the stream reads it back. */
export interface StreamedRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/**
 * What the event stream contract needs from an adapter: the stream, a way to read back everything
 * written (in order per shard), a way to clean up and, optionally, refusal injection.
 */
export interface EventStreamHarness {
  readonly stream: EventStream;
  /** Every record written so far, each shard's records in order. */
  readAll(): Promise<readonly StreamedRecord[]>;
  cleanup(): Promise<void>;
  /** Makes the next `publish` call refuse (retryably) the envelopes the predicate picks. */
  refuseNext?(predicate: (envelope: StreamEnvelope) => boolean): void;
}

let runs = 0;
/** A fresh correlation id per publish, so that a test reads back only its own records. */
const correlation = (tag: string) => `${tag}-${Date.now().toString(36)}-${(runs++).toString(36)}`;

const envelope = (event: ActivityEvent, correlationId: string): StreamEnvelope => ({
  v: 1,
  event,
  correlationId,
  receivedAt: '2029-12-31T23:00:00Z',
});

/** The records of one test (by correlation id), decoded, in the order read. */
const readBack = async (harness: EventStreamHarness, correlationId: string) =>
  (await harness.readAll()).flatMap((record, i) => {
    const decoded = decodeRecord(
      {
        recordId: String(i),
        shard: 'shardId-000000000000',
        partitionKey: record.partitionKey,
        data: record.data,
        arrivedAt: 0,
      },
      ARBITRARY_NOW,
    );
    if (decoded.kind !== 'event' || decoded.correlationId !== correlationId) return [];
    return [{ partitionKey: record.partitionKey, event: decoded.event }];
  });

const keyOf = (event: ActivityEvent) => JSON.stringify([event.userId, event.eventId, event.occurredAt]);

/**
 * The behaviour every {@link EventStream} adapter must have, as a vitest suite: one outcome per
 * envelope in order; every record reported written can be read back exactly once, partitioned by
 * `userId`, and decodes to the event published; one user's records keep their order; and, with
 * refusal injection, refused records are reported retryable and are not written while the others are.
 *
 * @example
 * ```ts
 * describeEventStreamContract('memory', async () => {
 *   const stream = createMemoryEventStream({ shardCount: 2 });
 *   return { stream, readAll: async () => stream.shardIds().flatMap((s) => stream.read(s, { limit: 1e6 })), cleanup: async () => {} };
 * });
 * ```
 */
export const describeEventStreamContract = (
  name: string,
  factory: () => Promise<EventStreamHarness>,
): void => {
  describe(`EventStream contract: ${name}`, async () => {
    // The optional capability decides which tests exist, so it is probed while collecting.
    const probe = await factory();
    const canRefuse = probe.refuseNext !== undefined;
    await probe.cleanup();

    let harness: EventStreamHarness;
    beforeAll(async () => {
      harness = await factory();
    });
    afterAll(async () => {
      await harness.cleanup();
    });

    it('gives one outcome per envelope, in order, and none for an empty call', async () => {
      const correlationId = correlation('outcomes');
      const events = fc.sample(validEventArb(), { numRuns: 7, seed: 7 });

      const outcomes = await harness.stream.publish(events.map((e) => envelope(e, correlationId)));

      expect(outcomes).toHaveLength(events.length);
      expect(outcomes.every((o) => o.written)).toBe(true);
      expect(await harness.stream.publish([])).toEqual([]);
    });

    it('lets every record reported written be read back exactly once, keyed by user and decodable', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(validEventArb(), { minLength: 1, maxLength: 25 }), async (events) => {
          const correlationId = correlation('roundtrip');
          const outcomes = await harness.stream.publish(events.map((e) => envelope(e, correlationId)));
          const written = events.filter((_, i) => outcomes[i]?.written);

          const read = await readBack(harness, correlationId);

          expect(read.map((r) => r.partitionKey)).toEqual(read.map((r) => r.event.userId));
          expect(read.map((r) => keyOf(r.event)).sort()).toEqual(written.map(keyOf).sort());
          expect(read.map((r) => r.event).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))).toEqual(
            [...written].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)),
          );
        }),
        { numRuns: 5 },
      );
    });

    it("keeps each user's records in the order they were published, across calls", async () => {
      const correlationId = correlation('order');
      const users = ['u-1', 'u-2', 'org:7|x'];
      const published: ActivityEvent[] = [];
      for (let call = 0; call < 4; call++) {
        const batch = Array.from({ length: 9 }, (_, i) => ({
          eventId: `e-${call}-${i}`,
          userId: users[(i + call) % users.length]!,
          type: 'x',
          occurredAt: new Date(Date.UTC(2026, 0, 1) + call * 1000 + i).toISOString(),
          quantity: 1,
          attributes: {},
        }));
        const outcomes = await harness.stream.publish(batch.map((e) => envelope(e, correlationId)));
        expect(outcomes.every((o) => o.written)).toBe(true);
        published.push(...batch);
      }

      const read = await readBack(harness, correlationId);

      for (const user of users) {
        expect(read.filter((r) => r.partitionKey === user).map((r) => r.event.eventId)).toEqual(
          published.filter((e) => e.userId === user).map((e) => e.eventId),
        );
      }
    });

    if (canRefuse) {
      it('reports refused records as not written and retryable, writes the others, and takes the refused ones on retry', async () => {
        const correlationId = correlation('refuse');
        const events = Array.from({ length: 10 }, (_, i) => ({
          eventId: `e-${i}`,
          userId: `u-${i % 3}`,
          type: 'x',
          occurredAt: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
          quantity: 1,
          attributes: {},
        }));
        const refuse = (e: StreamEnvelope) => Number(e.event.eventId.slice(2)) % 3 === 1;
        harness.refuseNext!(refuse);

        const outcomes = await harness.stream.publish(events.map((e) => envelope(e, correlationId)));

        const refusedIds = events.filter((e) => refuse(envelope(e, correlationId))).map((e) => e.eventId);
        expect(events.filter((_, i) => !outcomes[i]?.written).map((e) => e.eventId)).toEqual(refusedIds);
        for (const outcome of outcomes) {
          if (!outcome.written) {
            expect(outcome.retryable).toBe(true);
            expect(outcome.reason.length).toBeGreaterThan(0);
          }
        }
        const afterRefusal = await readBack(harness, correlationId);
        expect(afterRefusal.map((r) => r.event.eventId).sort()).toEqual(
          events
            .map((e) => e.eventId)
            .filter((id) => !refusedIds.includes(id))
            .sort(),
        );

        const retried = await harness.stream.publish(
          events.filter((e) => refusedIds.includes(e.eventId)).map((e) => envelope(e, correlationId)),
        );
        expect(retried.every((o) => o.written)).toBe(true);
        expect((await readBack(harness, correlationId)).map((r) => r.event.eventId).sort()).toEqual(
          events.map((e) => e.eventId).sort(),
        );
      });
    }
  });
};
