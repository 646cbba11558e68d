/**
 * The client configuration for an emulator: its endpoint, a region and a static key pair
 * (emulators accept any). Passed to the client factories, it leaves the process environment alone.
 *
 * @example
 * ```ts
 * const { document } = createDynamoDbClients(emulatorConfig(dynamo.endpoint));
 * ```
 */
export const emulatorConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
