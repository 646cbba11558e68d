import { awsFunctionContainer, type Environment } from './aws-function.js';
import { bindDynamoDbStore } from './dynamodb-store.js';
import { bindProcessHandler } from './handler-bindings.js';

/**
 * The process function's container: the DynamoDB store, no Kinesis client (Lambda's event source
 * mapping reads the stream).
 *
 * @example
 * ```ts
 * export const handler = processFunction(process.env).get(TOKENS.processHandler);
 * ```
 */
export const processFunction = (env: Environment) => {
  const container = awsFunctionContainer('process', env);
  bindDynamoDbStore(container, env);
  bindProcessHandler(container);
  return container;
};
