import {
  type EventStream,
  encodeEnvelope,
  type PublishOutcome,
  type StreamEnvelope,
} from '@activity-history/core';
import { type KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { describeSdkError, sdkFailureOf } from './sdk-failure.js';

/** The most records one `PutRecords` call takes. */
export const MAX_RECORDS_PER_CALL = 500;
/** The most bytes (data plus partition keys) one `PutRecords` call takes: 5 MiB. */
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

// Per-record refusals worth retrying: the shard was busy, or Kinesis had a transient fault. Every
// other code (KMS key disabled or not found, access denied...) stays refused however often it is sent.
const RETRYABLE_RECORD_ERRORS = new Set(['ProvisionedThroughputExceededException', 'InternalFailure']);

/** Options of {@link createKinesisEventStream}. */
export interface KinesisEventStreamOptions {
  /** A client from {@link createKinesisClient} (HTTP/1.1 towards emulators) or any configured one. */
  readonly client: KinesisClient;
  readonly streamName: string;
}

interface PreparedRecord {
  readonly index: number;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly bytes: number;
}

/** Cuts the records into calls of at most 500 records and 5 MiB, keeping their order. */
const chunksOf = (records: readonly PreparedRecord[]): PreparedRecord[][] => {
  const chunks: PreparedRecord[][] = [];
  let current: PreparedRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (current.length === MAX_RECORDS_PER_CALL || bytes + record.bytes > MAX_BYTES_PER_CALL) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

const outcomeOfEntry = (entry: PutRecordsResultEntry | undefined): PublishOutcome => {
  if (entry === undefined) {
    return { written: false, retryable: true, reason: 'PutRecords returned no result for the record' };
  }
  if (entry.ErrorCode === undefined) return { written: true };
  return {
    written: false,
    retryable: RETRYABLE_RECORD_ERRORS.has(entry.ErrorCode),
    reason: `${entry.ErrorCode}: ${entry.ErrorMessage ?? 'refused'}`,
  };
};

/**
 * The event stream on Kinesis: each envelope becomes one record whose partition key is the event's
 * `userId` (one user's events stay on one shard, in order) and whose data is the envelope's JSON.
 * Envelopes go out in `PutRecords` calls of at most 500 records and 5 MiB, one call after the other
 * so that a user's records are not reordered across calls. A record is reported written only when
 * Kinesis accepted it; refusals (`FailedRecordCount` and per-record `ErrorCode`) and failed calls
 * become outcomes, retryable for throttling and transient faults, never exceptions. Retrying the
 * refused records is the job of core `publishWithRetry`.
 *
 * @example
 * ```ts
 * const stream = createKinesisEventStream({ client: createKinesisClient(), streamName: 'activity-events' });
 * const { outcomes } = await publishWithRetry(stream, envelopes, systemClock, DEFAULT_RETRY_POLICY);
 * ```
 */
export const createKinesisEventStream = (options: KinesisEventStreamOptions): EventStream => ({
  async publish(envelopes: readonly StreamEnvelope[]): Promise<readonly PublishOutcome[]> {
    const outcomes: PublishOutcome[] = new Array(envelopes.length);
    const records = envelopes.map((envelope, index): PreparedRecord => {
      const data = encodeEnvelope(envelope);
      const partitionKey = envelope.event.userId;
      return { index, data, partitionKey, bytes: data.byteLength + Buffer.byteLength(partitionKey, 'utf8') };
    });
    for (const chunk of chunksOf(records)) {
      try {
        const response = await options.client.send(
          new PutRecordsCommand({
            StreamName: options.streamName,
            Records: chunk.map((record) => ({ Data: record.data, PartitionKey: record.partitionKey })),
          }),
        );
        chunk.forEach((record, i) => {
          outcomes[record.index] = outcomeOfEntry(response.Records?.[i]);
        });
      } catch (error) {
        // The whole call failed: none of its records is known to be written.
        const refused: PublishOutcome = {
          written: false,
          retryable: sdkFailureOf(error) !== 'failed',
          reason: describeSdkError(error),
        };
        for (const record of chunk) outcomes[record.index] = refused;
      }
    }
    return outcomes;
  },
});
