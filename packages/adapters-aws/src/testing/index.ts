/**
 * Test support for the AWS adapters: faults injected through the SDK's middleware stack (crashes
 * between DynamoDB writes, lost answers, refused Kinesis records), counter tampering for repair
 * tests, a bare event log and a capacity meter for benchmarks, and a reader of a whole stream. The
 * emulators they run against are `@activity-history/aws-emulators`.
 *
 * @example
 * ```ts
 * import { injectDynamoDbFaults } from '@activity-history/adapters-aws/testing';
 *
 * const faults = injectDynamoDbFaults(client);
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
