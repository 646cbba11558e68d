import { createKinesisClient, createKinesisEventStream } from '@activity-history/adapters-aws';
import { awsFunctionContainer, type Environment, requiredSetting } from './aws-function.js';
import { bindIngestHandler } from './handler-bindings.js';
import { TOKENS } from './tokens.js';

/**
 * The ingest function's container: the Kinesis stream named by `ACTIVITY_STREAM_NAME`, nothing of
 * DynamoDB or CloudWatch.
 *
 * @example
 * ```ts
 * export const handler = ingestFunction(process.env).get(TOKENS.ingestHandler);
 * ```
 */
export const ingestFunction = (env: Environment) => {
  const container = awsFunctionContainer('ingest', env);
  const streamName = requiredSetting(env, 'ACTIVITY_STREAM_NAME');
  container
    .bind(TOKENS.stream)
    .toDynamicValue(() => createKinesisEventStream({ client: createKinesisClient(), streamName }))
    .inSingletonScope();
  bindIngestHandler(container);
  return container;
};
