/**
 * What every peer reads and writes: a Kinesis record read into an event by core's own decoding
 * and validation (so that the pipelines differ in storage only), the event's item, and the `ADD` to
 * its user-day counter. The items are the project's own (`dynamodb-items.ts`: `U#<userId>`,
 * `E#<eventId>`, `C#<day>#<type>` with `n` and `q`), in a table of the project's layout, so that
 * item sizes match and one scan counts the events of any pipeline's table.
 */
import type { Put, Update } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { counterKey, eventItemOf, keyOf } from '../../packages/adapters-aws/src/dynamodb-items.js';
import { dayKeyOf, decodeRecord, type PositionedEvent } from '../../packages/core/src/index.js';
import { incomingRecords } from '../../packages/handlers/src/index.js';

/**
 * The record's event and position, or `null` for a record that is not a valid event: the peers
 * drop those (a textbook handler logs them; returning them as failures would have Lambda retry
 * them forever). The bench's workload holds none.
 */
export const positionedEventOf = (record: KinesisStreamRecord, now: number): PositionedEvent | null => {
  const [incoming] = incomingRecords({ Records: [record] });
  const decoded = decodeRecord(incoming!, now);
  if (decoded.kind !== 'event') return null;
  return { event: decoded.event, position: { shard: incoming!.shard, sequence: incoming!.recordId } };
};

/**
 * The event's item, unconditionally (a redelivery overwrites it with the same content): the input
 * of a PutItem, or of a transaction's Put.
 */
export const eventPut = (tableName: string, positioned: PositionedEvent) =>
  ({ TableName: tableName, Item: eventItemOf(positioned) }) satisfies Put;

/**
 * One more event and its quantity on the user-day's counter, created by the first `ADD`: the input
 * of an UpdateItem, or of a transaction's Update.
 */
export const counterAdd = (tableName: string, { event }: PositionedEvent) =>
  ({
    TableName: tableName,
    Key: keyOf(event.userId, counterKey(dayKeyOf(Date.parse(event.occurredAt)), event.type)),
    UpdateExpression: 'ADD n :one, q :q',
    // DynamoDB numbers are decimal: adding the quantity's text is exact.
    ExpressionAttributeValues: { ':one': { N: '1' }, ':q': { N: String(event.quantity) } },
  }) satisfies Update;
