import { createKinesisClient, createKinesisEventStream } from '@activity-history/adapters-aws';
import { type Container, ContainerModule } from 'inversify';
import { awsFunctionContainer, type Environment, requiredSetting } from '../composition/aws-function.js';
import { TOKENS } from '../composition/tokens.js';
import { createIngestHandler } from '../handlers/ingest-handler.js';

/**
 * The ingest function's wiring: its handler over the stream, the clock, the metrics, the logger and
 * the retry policy when one is set. Shared by the deployed function and local mode.
 */
export const ingestWiring = new ContainerModule(({ bind }) => {
  bind(TOKENS.ingestHandler)
    .toResolvedValue(
      (stream, clock, metrics, logger, { retryPolicy }) =>
        createIngestHandler({
          stream,
          clock,
          metrics,
          logger,
          ...(retryPolicy === undefined ? {} : { retryPolicy }),
        }),
      [TOKENS.stream, TOKENS.clock, TOKENS.metrics, TOKENS.logger, TOKENS.settings],
    )
    .inSingletonScope();
});

/**
 * The deployed ingest function: the Kinesis stream named by `ACTIVITY_STREAM_NAME` (nothing of
 * DynamoDB or CloudWatch), under {@link ingestWiring}. Only construction, no network call.
 *
 * @example
 * ```ts
 * export const handler = ingestFunction(process.env).get(TOKENS.ingestHandler);
 * ```
 */
export const ingestFunction = (env: Environment): Container => {
  const streamName = requiredSetting(env, 'ACTIVITY_STREAM_NAME');
  const adapters = new ContainerModule(({ bind }) => {
    bind(TOKENS.stream)
      .toResolvedValue(() => createKinesisEventStream({ client: createKinesisClient(), streamName }))
      .inSingletonScope();
  });
  return awsFunctionContainer('ingest', env, adapters, ingestWiring);
};
