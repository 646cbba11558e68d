import { type DeadLetter, type DeadLetterDestination, deadLettersOf } from '@activity-history/delivery';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { DEFAULT_PUBLISH_TIMEOUT_MS } from './jetstream-event-stream.js';
import { USER_ID_HEADER } from './partitions.js';

/** Headers of a dead letter, so that it can be filtered and attributed without reading its body. */
export const DEAD_LETTER_HEADERS = {
  reason: 'Activity-Dead-Letter-Reason',
  attempts: 'Activity-Dead-Letter-Attempts',
  shard: 'Activity-Dead-Letter-Shard',
  sequence: 'Activity-Dead-Letter-Sequence',
  /** The batch it was given up with: `<shard>:<first sequence>-<last sequence>`. */
  batch: 'Activity-Dead-Letter-Batch',
} as const;

/** Options of {@link openJetStreamDeadLetters}. */
export interface JetStreamDeadLettersOptions {
  readonly connection: NatsConnection;
  /**
   * The dead-letter stream, capturing `<stream>.>` (provision it with `ensureJetStream`: its
   * duplicate window drops a dead letter published again after a crash). Dead letters of the shard
   * `activity.0` go to the subject `<stream>.activity.0`.
   */
  readonly stream: string;
  readonly publishTimeoutMs?: number;
}

/** The delivery engine's on-failure destination on a JetStream stream, and its contents. */
export interface JetStreamDeadLetters extends DeadLetterDestination {
  /** Up to `limit` dead letters after the dead-letter stream's sequence `after`, oldest first. */
  read(after: number, limit: number): Promise<readonly { sequence: number; letter: DeadLetter }[]>;
}

const encoder = new TextEncoder();

/**
 * Opens the delivery engine's on-failure destination on a JetStream stream: each record of a
 * dead-lettered batch becomes one message (its JSON {@link DeadLetter}, with the reason,
 * attempts, shard, sequence, batch and user id as headers). One message per record rather than
 * per batch: a batch may be larger than a NATS message may be, the depth the engine reports counts
 * records, and records are replayed one by one. The message id is the record's shard and sequence,
 * so a batch dead-lettered again after a crash (before its checkpoint was written) is stored once.
 * The depth is the stream's message count, read from its info at opening and after each batch, so
 * it survives restarts and sees what an operator removed.
 *
 * @example
 * ```ts
 * await ensureJetStream(jsm, { name: 'activity-dead-letters', subjects: ['activity-dead-letters.>'], duplicateWindowMs: 120_000 });
 * const deadLetters = await openJetStreamDeadLetters({ connection: nc, stream: 'activity-dead-letters' });
 * ```
 */
export const openJetStreamDeadLetters = async (
  options: JetStreamDeadLettersOptions,
): Promise<JetStreamDeadLetters> => {
  const jsm = await jetstreamManager(options.connection);
  const js = jetstream(options.connection);
  const timeout = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const count = async () => (await jsm.streams.info(options.stream)).state.messages;
  let depth = await count();

  return {
    async add(batch) {
      const first = batch.records[0]?.recordId;
      const last = batch.records.at(-1)?.recordId;
      for (const letter of deadLettersOf(batch)) {
        const header = headers();
        header.set(USER_ID_HEADER, letter.partitionKey);
        header.set(DEAD_LETTER_HEADERS.reason, batch.reason);
        header.set(DEAD_LETTER_HEADERS.attempts, String(batch.attempts));
        header.set(DEAD_LETTER_HEADERS.shard, batch.shardId);
        header.set(DEAD_LETTER_HEADERS.sequence, letter.sequenceNumber);
        header.set(DEAD_LETTER_HEADERS.batch, `${batch.shardId}:${first}-${last}`);
        await js.publish(`${options.stream}.${batch.shardId}`, encoder.encode(JSON.stringify(letter)), {
          msgID: `${batch.shardId}:${letter.sequenceNumber}`,
          headers: header,
          expect: { streamName: options.stream },
          timeout,
        });
      }
      depth = await count();
    },
    depth: () => depth,
    async read(after, limit) {
      const letters: { sequence: number; letter: DeadLetter }[] = [];
      let next = after + 1;
      while (letters.length < limit) {
        const message = await jsm.direct.getMessage(options.stream, {
          seq: next,
          next_by_subj: `${options.stream}.>`,
        });
        if (message === null) break;
        letters.push({ sequence: message.seq, letter: message.json<DeadLetter>() });
        next = message.seq + 1;
      }
      return letters;
    },
  };
};
