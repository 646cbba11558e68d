import { createCloudWatchClient, createCloudWatchMetricsReader } from '@activity-history/adapters-aws';
import { type Container, ContainerModule } from 'inversify';
import { awsFunctionContainer, type Environment, metricsNamespace } from '../composition/aws-function.js';
import { dynamoDbStore } from '../composition/dynamodb-store.js';
import { TOKENS } from '../composition/tokens.js';
import { createDiagnoseHandler } from '../handlers/diagnose-handler.js';
import { inProcessHistoryApi } from '../handlers/in-process-history-api.js';

/**
 * The diagnose function's wiring (diagnosis and `/health`): its handler over the store, the metrics
 * and their reader, the history API, the clock, the logger and the tunings; and, unless the
 * composition binds its own, a history API answered in process by the query use case over the
 * same store.
 */
export const diagnoseWiring = new ContainerModule(({ bind, isBound }) => {
  if (!isBound(TOKENS.historyApi)) {
    bind(TOKENS.historyApi)
      .toResolvedValue((store, clock) => inProcessHistoryApi({ store, clock }), [TOKENS.store, TOKENS.clock])
      .inSingletonScope();
  }
  bind(TOKENS.diagnoseHandler)
    .toResolvedValue(
      (store, clock, metrics, logger, metricsReader, historyApi, settings) =>
        createDiagnoseHandler({ store, clock, metrics, logger, metricsReader, historyApi, ...settings }),
      [
        TOKENS.store,
        TOKENS.clock,
        TOKENS.metrics,
        TOKENS.logger,
        TOKENS.metricsReader,
        TOKENS.historyApi,
        TOKENS.settings,
      ],
    )
    .inSingletonScope();
});

/**
 * The deployed diagnose function: the DynamoDB store and the CloudWatch metrics reader (with the
 * dead-letter queue's depth when the deployment names the queue), under {@link diagnoseWiring}.
 *
 * @example
 * ```ts
 * export const handler = diagnoseFunction(process.env).get(TOKENS.diagnoseHandler);
 * ```
 */
export const diagnoseFunction = (env: Environment): Container => {
  const deadLetterQueueName = env.ACTIVITY_DEAD_LETTER_QUEUE_NAME;
  const metricsReader = new ContainerModule(({ bind }) => {
    bind(TOKENS.metricsReader)
      .toResolvedValue(() =>
        createCloudWatchMetricsReader({
          client: createCloudWatchClient(),
          namespace: metricsNamespace(env),
          ...(deadLetterQueueName ? { deadLetterQueueName } : {}),
        }),
      )
      .inSingletonScope();
  });
  return awsFunctionContainer('diagnose', env, dynamoDbStore(env), metricsReader, diagnoseWiring);
};
