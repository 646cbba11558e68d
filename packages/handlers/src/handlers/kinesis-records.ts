import type { IncomingRecord } from '@activity-history/core';
import type { KinesisStreamEvent } from 'aws-lambda';

/**
 * Kinesis records as Lambda delivers them, read into core's records: `data` is base64 (decoded
 * here, never parsed as is), `approximateArrivalTimestamp` is in seconds (with a fraction) and
 * becomes epoch milliseconds, and the sequence number identifies the record for
 * `batchItemFailures`.
 *
 * @example
 * ```ts
 * const records = incomingRecords(event);
 * ```
 */
export const incomingRecords = (event: KinesisStreamEvent): IncomingRecord[] =>
  (Array.isArray(event?.Records) ? event.Records : []).map(({ kinesis, eventID }) => ({
    recordId: String(kinesis?.sequenceNumber ?? ''),
    // Lambda names a record `<shard id>:<sequence number>`.
    shard: String(eventID ?? '').split(':')[0] ?? '',
    partitionKey: String(kinesis?.partitionKey ?? ''),
    data: Buffer.from(typeof kinesis?.data === 'string' ? kinesis.data : '', 'base64'),
    arrivedAt: Math.round(Number(kinesis?.approximateArrivalTimestamp ?? 0) * 1000),
  }));
