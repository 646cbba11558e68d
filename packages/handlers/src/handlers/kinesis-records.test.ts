import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { incomingRecords } from './kinesis-records.js';

const lambdaEvent = (records: { eventID?: string; sequenceNumber: string; data: string }[]) =>
  ({
    Records: records.map(({ eventID, sequenceNumber, data }) => ({
      eventID,
      kinesis: {
        sequenceNumber,
        partitionKey: 'u-1',
        data: Buffer.from(data).toString('base64'),
        approximateArrivalTimestamp: 1_772_366_400.25,
      },
    })),
  }) as unknown as KinesisStreamEvent;

describe('incomingRecords', () => {
  it('reads the shard from the event id, the sequence number, base64 data and the arrival in milliseconds', () => {
    const [record] = incomingRecords(
      lambdaEvent([
        { eventID: 'shardId-000000000006:4959033827149', sequenceNumber: '4959033827149', data: '{"a":1}' },
      ]),
    );

    expect(record).toEqual({
      recordId: '4959033827149',
      shard: 'shardId-000000000006',
      partitionKey: 'u-1',
      data: Buffer.from('{"a":1}'),
      arrivedAt: 1_772_366_400_250,
    });
  });

  it('gives records without an event id one shard of their own name, the empty one', () => {
    const [record] = incomingRecords(lambdaEvent([{ sequenceNumber: '7', data: '' }]));
    expect(record?.shard).toBe('');
  });
});
