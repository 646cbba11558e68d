import { type Container, ContainerModule } from 'inversify';
import { awsFunctionContainer, type Environment } from '../composition/aws-function.js';
import { dynamoDbStore } from '../composition/dynamodb-store.js';
import { TOKENS } from '../composition/tokens.js';
import { createQueryHandler } from '../handlers/query-handler.js';

/** The query function's wiring: its handler over the store, the clock, the metrics and the logger. */
export const queryWiring = new ContainerModule(({ bind }) => {
  bind(TOKENS.queryHandler)
    .toResolvedValue(
      (store, clock, metrics, logger) => createQueryHandler({ store, clock, metrics, logger }),
      [TOKENS.store, TOKENS.clock, TOKENS.metrics, TOKENS.logger],
    )
    .inSingletonScope();
});

/**
 * The deployed query function: the DynamoDB store only, under {@link queryWiring}.
 *
 * @example
 * ```ts
 * export const handler = queryFunction(process.env).get(TOKENS.queryHandler);
 * ```
 */
export const queryFunction = (env: Environment): Container =>
  awsFunctionContainer('query', env, dynamoDbStore(env), queryWiring);
