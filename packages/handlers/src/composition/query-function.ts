import { awsFunctionContainer, type Environment } from './aws-function.js';
import { bindDynamoDbStore } from './dynamodb-store.js';
import { bindQueryHandler } from './handler-bindings.js';

/**
 * The query function's container: the DynamoDB store only.
 *
 * @example
 * ```ts
 * export const handler = queryFunction(process.env).get(TOKENS.queryHandler);
 * ```
 */
export const queryFunction = (env: Environment) => {
  const container = awsFunctionContainer('query', env);
  bindDynamoDbStore(container, env);
  bindQueryHandler(container);
  return container;
};
