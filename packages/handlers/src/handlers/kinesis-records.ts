import { randomUUID } from 'node:crypto';
import type { IncomingRecord } from '@activity-history/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { ProcessHandler } from './process-handler.js';

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

/** Where a batch comes from, for the fields Lambda fills in. */
export interface BatchOrigin {
  readonly streamArn: string;
  readonly shardId: string;
  readonly region: string;
}

/**
 * A batch of stream records as Lambda's Kinesis event source hands it to a function: `data`
 * base64-encoded, the arrival time in seconds, `eventID` as `<shardId>:<sequenceNumber>`.
 *
 * @example
 * ```ts
 * const event = kinesisBatchEvent(records, { streamArn, shardId: 'shardId-000000000000', region: 'us-east-1' });
 * await handler(event);
 * ```
 */
export const kinesisBatchEvent = (
  records: readonly IncomingRecord[],
  origin: BatchOrigin,
): KinesisStreamEvent => ({
  Records: records.map((record) => ({
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.recordId,
      data: Buffer.from(record.data).toString('base64'),
      approximateArrivalTimestamp: record.arrivedAt / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${origin.shardId}:${record.recordId}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/activity-history-local',
    awsRegion: origin.region,
    eventSourceARN: origin.streamArn,
  })),
});

/**
 * The process function as an in-process stream consumer calls it, the way Lambda's event source
 * mapping does: each batch of one shard as a Kinesis event (with a fresh request id), the
 * `batchItemFailures` it answers as the identifiers of the failed records. Local mode and the
 * container runtime hand it to the delivery engine.
 *
 * @example
 * ```ts
 * const invoke = invokeAsEventSource(handlers.process, { streamArn, region: 'us-east-1' });
 * await invoke({ shardId: 'shardId-000000000000', records }); // { failed: [] }
 * ```
 */
export const invokeAsEventSource =
  (process: ProcessHandler, origin: Omit<BatchOrigin, 'shardId'>) =>
  async (batch: {
    readonly shardId: string;
    readonly records: readonly IncomingRecord[];
  }): Promise<{ readonly failed: readonly string[] }> => {
    const response = await process(kinesisBatchEvent(batch.records, { ...origin, shardId: batch.shardId }), {
      awsRequestId: randomUUID(),
    });
    return { failed: (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier) };
  };
