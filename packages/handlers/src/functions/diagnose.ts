import { createCloudWatchClient, createCloudWatchMetricsReader } from '@activity-history/adapters-aws';
import type { Clock, EventStore, HistoryApi, MetricsReader, MetricsRecorder } from '@activity-history/core';
import { type Container, ContainerModule } from 'inversify';
import { awsFunctionContainer, type Environment, metricsNamespace } from '../composition/aws-function.js';
import { dynamoDbStore } from '../composition/dynamodb-store.js';
import { type HandlerSettings, TOKENS } from '../composition/tokens.js';
import { createDiagnoseHandler } from '../handlers/diagnose-handler.js';
import type { Logger } from '../observability/logger.js';

/**
 * The diagnose function's wiring (diagnosis and `/health`): its handler over the store, the metrics
 * and their reader, the clock, the logger and the tunings; and the history API when the
 * composition binds one (without, the diagnosis asks the HTTP API the request came through).
 */
export const diagnoseWiring = new ContainerModule(({ bind }) => {
  bind(TOKENS.diagnoseHandler)
    // The arguments' types spelled out: inference cannot see that the optional one may be undefined.
    .toResolvedValue<
      [EventStore, Clock, MetricsRecorder, Logger, MetricsReader, HistoryApi | undefined, HandlerSettings]
    >(
      (store, clock, metrics, logger, metricsReader, historyApi, settings) =>
        createDiagnoseHandler({
          store,
          clock,
          metrics,
          logger,
          metricsReader,
          ...(historyApi === undefined ? {} : { historyApi }),
          ...settings,
        }),
      [
        TOKENS.store,
        TOKENS.clock,
        TOKENS.metrics,
        TOKENS.logger,
        TOKENS.metricsReader,
        { optional: true, serviceIdentifier: TOKENS.historyApi },
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
