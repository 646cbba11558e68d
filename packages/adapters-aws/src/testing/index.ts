/**
 * Test support for the AWS adapters: real wire-protocol emulators on 127.0.0.1 (dynalite,
 * DynamoDB Local, kinesalite, kinesis-local), provisioning of the table and the stream, and faults
 * injected through the SDK's middleware stack (crashes between DynamoDB writes, refused Kinesis
 * records), plus a capacity meter for benchmarks. The emulators are dev dependencies of this package.
 *
 * @example
 * ```ts
 * import { ensureTable, startDynalite } from '@activity-history/adapters-aws/testing';
 *
 * const dynamo = await startDynalite();
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
 * ```
 *
 * @packageDocumentation
 */
export { type BareEventLog, createBareEventLog } from './bare-event-log.js';
export { type CapacityMeter, type CapacityReading, meterDynamoDb } from './capacity-meter.js';
export {
  type DynamoDbFaults,
  injectDynamoDbFaults,
  tamperDynamoDbCounter,
  tamperDynamoDbWatermark,
} from './dynamodb-faults.js';
export { injectKinesisRefusals, type KinesisRefusals } from './kinesis-faults.js';
export { type ReadRecord, readAllRecords } from './kinesis-reader.js';
export { countRequests } from './request-counter.js';
