import { join } from 'node:path';
import {
  createDynamoDbClients,
  createDynamoDbEventStore,
  createKinesisClient,
  createKinesisEventStream,
  endpointFromEnvironment,
  ensureStream,
  ensureTable,
  kinesisShardSource,
} from '@activity-history/adapters-aws';
import {
  emulatorConfig,
  type RunningEmulator,
  startDynalite,
  startKinesalite,
} from '@activity-history/aws-emulators';
import type { LocalBackend } from './local-backends.js';

/** What the emulators backend needs. */
export interface AwsBackendOptions {
  readonly dataDir: string;
  readonly tableName: string;
  readonly streamName: string;
  /** Shards of the stream when it is created here. */
  readonly shardCount: number;
  /** The environment holding the SDK's endpoint and region variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The DynamoDB and Kinesis backends of local mode, through the same adapters as in AWS. A service
 * whose endpoint the SDK's variables override (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_KINESIS`
 * or `AWS_ENDPOINT_URL`: LocalStack, emulators of your own, a real account) is used there, with the
 * SDK's own region and credentials; otherwise its emulator starts in this process (dynalite,
 * kinesalite) with its data under `dataDir`, so a restart keeps every event, counter and record.
 * The table and the stream are created if missing.
 *
 * @example
 * ```ts
 * const backend = await awsBackend({ dataDir: '.activity-history', tableName: 'activity-history',
 *   streamName: 'activity-events', shardCount: 2, env: process.env });
 * ```
 */
export const awsBackend = async (options: AwsBackendOptions): Promise<LocalBackend> => {
  const { env, tableName, streamName } = options;
  const started: RunningEmulator[] = [];
  const stopAll = () => Promise.all(started.map((emulator) => emulator.stop()));
  try {
    const external = {
      dynamodb: endpointFromEnvironment('DYNAMODB', env),
      kinesis: endpointFromEnvironment('KINESIS', env),
    };
    const emulate = async (start: typeof startDynalite, directory: string) => {
      const emulator = await start({ path: join(options.dataDir, directory) });
      started.push(emulator);
      return emulator.endpoint;
    };
    const dynamodbEndpoint = external.dynamodb ?? (await emulate(startDynalite, 'dynamodb'));
    const kinesisEndpoint = external.kinesis ?? (await emulate(startKinesalite, 'kinesis'));
    // Emulators get a static key pair and any region; real endpoints the SDK's own configuration.
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? emulatorConfig('').region;
    const configFor = (external: string | null, endpoint: string) =>
      external === null ? { ...emulatorConfig(endpoint), region } : { endpoint, region };
    const dynamodb = createDynamoDbClients(configFor(external.dynamodb, dynamodbEndpoint));
    const kinesis = createKinesisClient(configFor(external.kinesis, kinesisEndpoint));
    const [, summary] = await Promise.all([
      ensureTable(dynamodb.client, tableName),
      ensureStream(kinesis, streamName, { shardCount: options.shardCount }),
    ]);
    const describe = (service: string, external: string | null, endpoint: string, emulator: string) =>
      external === null
        ? `${service}: ${emulator} at ${endpoint}, data in ${join(options.dataDir, emulator === 'dynalite' ? 'dynamodb' : 'kinesis')}`
        : `${service}: ${endpoint} (from the environment)`;
    return {
      kind: external.dynamodb === null && external.kinesis === null ? 'emulators' : 'endpoints',
      store: createDynamoDbEventStore({ client: dynamodb.document, tableName }),
      stream: createKinesisEventStream({ client: kinesis, streamName }),
      source: kinesisShardSource(kinesis, streamName),
      streamArn: summary.streamArn,
      region,
      where: [
        describe('DynamoDB', external.dynamodb, dynamodbEndpoint, 'dynalite'),
        describe('Kinesis', external.kinesis, kinesisEndpoint, 'kinesalite'),
        `stream: ${summary.openShardCount} shards`,
      ],
      persistent: true,
      memory: null,
      aws: { kinesis },
      appendRaw: null,
      shardOf: null,
      async close() {
        kinesis.destroy();
        dynamodb.document.destroy();
        dynamodb.client.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
