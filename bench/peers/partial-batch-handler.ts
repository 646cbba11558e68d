/**
 * The process function the naive and transactional peers share: every record of the batch at
 * once, read by core's decoding, handed to `write`, answered with a partial batch response that
 * lists the records whose write failed (Lambda redelivers from the first of them).
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Clock, PositionedEvent } from '../../packages/core/src/index.js';
import { positionedEventOf } from './activity-writes.js';

/** A peer's process function, as Lambda calls it. */
export type PeerHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/** Every record at once through `write`; a record that is not a valid event is dropped. */
export const partialBatchHandler =
  (clock: Clock, write: (positioned: PositionedEvent) => Promise<void>): PeerHandler =>
  async (event) => {
    const now = clock.now();
    const settled = await Promise.allSettled(
      event.Records.map(async (record) => {
        const positioned = positionedEventOf(record, now);
        if (positioned !== null) await write(positioned);
      }),
    );
    return {
      batchItemFailures: settled.flatMap((outcome, i) =>
        outcome.status === 'rejected' ? [{ itemIdentifier: event.Records[i]!.kinesis.sequenceNumber }] : [],
      ),
    };
  };
