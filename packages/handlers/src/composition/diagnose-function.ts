import { createCloudWatchClient, createCloudWatchMetricsReader } from '@activity-history/adapters-aws';
import { awsFunctionContainer, type Environment, metricsNamespace } from './aws-function.js';
import { bindDynamoDbStore } from './dynamodb-store.js';
import { bindDiagnoseHandler } from './handler-bindings.js';
import { TOKENS } from './tokens.js';

/**
 * The diagnose function's container: the DynamoDB store, the CloudWatch metrics reader, and the
 * query API answered in process over the same store.
 *
 * @example
 * ```ts
 * export const handler = diagnoseFunction(process.env).get(TOKENS.diagnoseHandler);
 * ```
 */
export const diagnoseFunction = (env: Environment) => {
  const container = awsFunctionContainer('diagnose', env);
  bindDynamoDbStore(container, env);
  container
    .bind(TOKENS.metricsReader)
    .toDynamicValue(() =>
      createCloudWatchMetricsReader({
        client: createCloudWatchClient(),
        namespace: metricsNamespace(env),
        // The dead-letter depth comes from the queue's own metrics, when the deployment names it.
        ...(env.ACTIVITY_DEAD_LETTER_QUEUE_NAME
          ? { deadLetterQueueName: env.ACTIVITY_DEAD_LETTER_QUEUE_NAME }
          : {}),
      }),
    )
    .inSingletonScope();
  bindDiagnoseHandler(container);
  return container;
};
