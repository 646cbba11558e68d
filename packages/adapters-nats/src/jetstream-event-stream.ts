import {
  type EventStream,
  encodeEnvelope,
  type PublishOutcome,
  type StreamEnvelope,
} from '@activity-history/core';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { refusalOf } from './jetstream-failure.js';
import { messageIdOf } from './message-id.js';
import { checkPartitions, partitionOf, partitionSubject, USER_ID_HEADER } from './partitions.js';

/** How long a publish waits for the stream's acknowledgement by default. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

/** Options of {@link createJetStreamEventStream}. */
export interface JetStreamEventStreamOptions {
  readonly connection: NatsConnection;
  /** The stream's name: every publish expects it, so a subject captured by another stream is refused. */
  readonly stream: string;
  /** How many partition subjects (`<subjectPrefix>.<n>`); the same number for the shard source. */
  readonly partitions: number;
  /** The partition subjects' prefix; the stream's name when left out. */
  readonly subjectPrefix?: string;
  readonly publishTimeoutMs?: number;
  /** The JetStream client to publish with; `jetstream(connection)` when left out (tests wrap it). */
  readonly client?: JetStreamClient;
}

/**
 * The event stream on NATS JetStream: each envelope becomes one message on the subject of its user's
 * partition (`<prefix>.<partitionOf(userId)>`), its data the envelope's JSON, its `Activity-User-Id`
 * header the user id (so a record whose data cannot be read is still attributed), and its message id
 * {@link messageIdOf} the event (a producer retry within the duplicate window is dropped by the
 * stream; a conflicting resend is not). One partition's messages are published one after the other
 * (a user's order holds), partitions concurrently. A message is reported written once the stream
 * acknowledged it, a duplicate ack included (it was stored before); a timeout or a refusal becomes an
 * outcome, never an exception.
 *
 * @example
 * ```ts
 * const stream = createJetStreamEventStream({ connection: nc, stream: 'activity', partitions: 4 });
 * const { outcomes } = await publishWithRetry(stream, envelopes, systemClock, DEFAULT_RETRY_POLICY);
 * ```
 */
export const createJetStreamEventStream = (options: JetStreamEventStreamOptions): EventStream => {
  checkPartitions(options.partitions);
  const client = options.client ?? jetstream(options.connection);
  const prefix = options.subjectPrefix ?? options.stream;
  const timeout = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;

  const publishOne = async (envelope: StreamEnvelope): Promise<PublishOutcome> => {
    const userId = envelope.event.userId;
    const header = headers();
    header.set(USER_ID_HEADER, userId);
    try {
      await client.publish(
        partitionSubject(prefix, partitionOf(userId, options.partitions)),
        encodeEnvelope(envelope),
        {
          msgID: messageIdOf(envelope.event),
          headers: header,
          expect: { streamName: options.stream },
          timeout,
        },
      );
      return { written: true };
    } catch (error) {
      return refusalOf(error);
    }
  };

  return {
    async publish(envelopes) {
      const outcomes: PublishOutcome[] = new Array(envelopes.length);
      const byPartition = new Map<number, number[]>();
      envelopes.forEach((envelope, index) => {
        const partition = partitionOf(envelope.event.userId, options.partitions);
        const indexes = byPartition.get(partition) ?? [];
        indexes.push(index);
        byPartition.set(partition, indexes);
      });
      await Promise.all(
        [...byPartition.values()].map(async (indexes) => {
          for (const index of indexes) outcomes[index] = await publishOne(envelopes[index]!);
        }),
      );
      return outcomes;
    },
  };
};
