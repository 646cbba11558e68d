import {
  createDynamoDbClients,
  createKinesisClient,
  ensureStream,
  ensureTable,
} from '@activity-history/adapters-aws';
import { readAllRecords } from '@activity-history/adapters-aws/testing';
import { startDynalite, startKinesalite } from '@activity-history/aws-emulators';
import type { KinesisRecordInput } from './aws-events.js';

export const TABLE_NAME = 'activity-history-test';
export const STREAM_NAME = 'activity-events-test';

const SETTINGS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_KINESIS',
  'AWS_ENDPOINT_URL_CLOUDWATCH',
  'ACTIVITY_TABLE_NAME',
  'ACTIVITY_STREAM_NAME',
  'ACTIVITY_LOG_GROUP_NAMES',
] as const;

/** The functions' log groups, as the construct names them to the diagnose function. */
export const LOG_GROUP_NAMES = ['/aws/lambda/test-ingest', '/aws/lambda/test-process'];

/**
 * Starts dynalite and kinesalite on 127.0.0.1, creates the table and the stream, and configures
 * the process the way a deployed function is configured: the SDK's own endpoint variables, a
 * region, static credentials, and the functions' settings (the diagnose function's log groups included). CloudWatch has no emulator here: its
 * endpoint points at a closed port, so reading metrics fails fast (the diagnosis says so).
 */
export const startEmulators = async () => {
  const saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
  const [dynamo, kinesis] = await Promise.all([startDynalite(), startKinesalite()]);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:9',
    ACTIVITY_TABLE_NAME: TABLE_NAME,
    ACTIVITY_STREAM_NAME: STREAM_NAME,
    ACTIVITY_LOG_GROUP_NAMES: LOG_GROUP_NAMES.join(','),
  });
  const kinesisClient = createKinesisClient();
  await Promise.all([
    ensureTable(createDynamoDbClients().client, TABLE_NAME),
    ensureStream(kinesisClient, STREAM_NAME),
  ]);
  let dynamoRunning = true;
  return {
    kinesisClient,
    /** Stops the DynamoDB emulator: the store becomes unavailable. */
    stopDynamo: async () => {
      if (dynamoRunning) await dynamo.stop();
      dynamoRunning = false;
    },
    stop: async () => {
      if (dynamoRunning) await dynamo.stop();
      await kinesis.stop();
      kinesisClient.destroy();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
};

/**
 * Every record of the test stream, as the process function would get them. The emulator's reader
 * does not return arrival times; they are taken as now, which only affects the lag figure.
 */
export const readStream = async (
  client: ReturnType<typeof createKinesisClient>,
): Promise<KinesisRecordInput[]> =>
  (await readAllRecords(client, STREAM_NAME)).map((record) => ({ ...record, arrivedAt: Date.now() }));
