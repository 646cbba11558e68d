import { type Container, ContainerModule } from 'inversify';
import { awsFunctionContainer, type Environment } from '../composition/aws-function.js';
import { dynamoDbStore } from '../composition/dynamodb-store.js';
import { TOKENS } from '../composition/tokens.js';
import { createProcessHandler } from '../handlers/process-handler.js';

/** The process function's wiring: its handler over the store, the clock, the metrics and the logger. */
export const processWiring = new ContainerModule(({ bind }) => {
  bind(TOKENS.processHandler)
    .toResolvedValue(
      (store, clock, metrics, logger) => createProcessHandler({ store, clock, metrics, logger }),
      [TOKENS.store, TOKENS.clock, TOKENS.metrics, TOKENS.logger],
    )
    .inSingletonScope();
});

/**
 * The deployed process function: the DynamoDB store and no Kinesis client (Lambda's event source
 * mapping reads the stream), under {@link processWiring}.
 *
 * @example
 * ```ts
 * export const handler = processFunction(process.env).get(TOKENS.processHandler);
 * ```
 */
export const processFunction = (env: Environment): Container =>
  awsFunctionContainer('process', env, dynamoDbStore(env), processWiring);
