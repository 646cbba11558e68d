import {
  createCloudWatchClient,
  createCloudWatchMetricsReader,
  createLogsInsightsSearch,
} from '@activity-history/adapters-aws';
import type {
  Clock,
  EventLogSearch,
  EventStore,
  HistoryApi,
  MetricsReader,
  MetricsRecorder,
} from '@activity-history/core';
import { type Container, ContainerModule } from 'inversify';
import { awsFunctionContainer, type Environment, metricsNamespace } from '../composition/aws-function.js';
import { dynamoDbStore } from '../composition/dynamodb-store.js';
import { type HandlerSettings, TOKENS } from '../composition/tokens.js';
import { createDiagnoseHandler } from '../handlers/diagnose-handler.js';
import type { Logger } from '../observability/logger.js';

/**
 * The diagnose function's wiring (diagnosis, event trace and `/health`): its handler over the
 * store, the metrics and their reader, the clock, the logger and the tunings; the history API when
 * the composition binds one (without, the diagnosis asks the HTTP API the request came through);
 * and the log search when one is bound (without, a trace's `logs` is `null`).
 */
export const diagnoseWiring = new ContainerModule(({ bind }) => {
  bind(TOKENS.diagnoseHandler)
    // The arguments' types spelled out: inference cannot see that the optional one may be undefined.
    .toResolvedValue<
      [
        EventStore,
        Clock,
        MetricsRecorder,
        Logger,
        MetricsReader,
        HistoryApi | undefined,
        EventLogSearch | undefined,
        HandlerSettings,
      ]
    >(
      (store, clock, metrics, logger, metricsReader, historyApi, eventLogs, settings) =>
        createDiagnoseHandler({
          store,
          clock,
          metrics,
          logger,
          metricsReader,
          ...(historyApi === undefined ? {} : { historyApi }),
          ...(eventLogs === undefined ? {} : { eventLogs }),
          ...settings,
        }),
      [
        TOKENS.store,
        TOKENS.clock,
        TOKENS.metrics,
        TOKENS.logger,
        TOKENS.metricsReader,
        { optional: true, serviceIdentifier: TOKENS.historyApi },
        { optional: true, serviceIdentifier: TOKENS.eventLogSearch },
        TOKENS.settings,
      ],
    )
    .inSingletonScope();
});

/**
 * The functions' log groups, as the construct names them in `ACTIVITY_LOG_GROUP_NAMES`
 * (comma-separated); `[]` when the deployment names none.
 *
 * @example
 * ```ts
 * logGroupNames({ ACTIVITY_LOG_GROUP_NAMES: '/a,/b' }); // ['/a', '/b']
 * ```
 */
export const logGroupNames = (env: Environment): string[] =>
  (env.ACTIVITY_LOG_GROUP_NAMES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

/**
 * The deployed diagnose function: the DynamoDB store and the CloudWatch metrics reader (with the
 * dead-letter queue's depth when the deployment names the queue), and, when the deployment names
 * the functions' log groups (`ACTIVITY_LOG_GROUP_NAMES`) and the region is known (`AWS_REGION`),
 * the Logs Insights search of event traces; under {@link diagnoseWiring}.
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
  const groups = logGroupNames(env);
  const region = env.AWS_REGION;
  const eventLogs = new ContainerModule(({ bind }) => {
    if (groups.length === 0 || region === undefined || region === '') return;
    bind(TOKENS.eventLogSearch).toConstantValue(createLogsInsightsSearch({ region, logGroupNames: groups }));
  });
  return awsFunctionContainer('diagnose', env, dynamoDbStore(env), metricsReader, eventLogs, diagnoseWiring);
};
