/**
 * The AWS emulators local mode and the tests run on: dynalite and kinesalite in this process (with
 * their data on disk when asked), AWS's DynamoDB Local (Java) and kinesis-local in child processes,
 * each on a free port of 127.0.0.1, plus the client configuration that points an SDK client at one.
 * Provisioning (the table, the stream) lives with the adapters, in `@activity-history/adapters-aws`.
 *
 * @example
 * ```ts
 * import { emulatorConfig, startDynalite } from '@activity-history/aws-emulators';
 *
 * const dynamo = await startDynalite();
 * const client = createDynamoDbClients(emulatorConfig(dynamo.endpoint)).client;
 * await dynamo.stop();
 * ```
 *
 * @packageDocumentation
 */
export { emulatorConfig } from './emulator-config.js';
export {
  type InProcessEmulatorOptions,
  type RunningEmulator,
  startDynalite,
  startDynamoDbLocal,
  startKinesalite,
  startKinesisLocal,
} from './emulators.js';
