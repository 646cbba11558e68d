import { createEmfMetrics } from '@activity-history/adapters-aws';
import { type Stage, systemClock } from '@activity-history/core';
import { Container, type ContainerModule } from 'inversify';
import { ConfigurationError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { TOKENS } from './tokens.js';

/** The process environment, as the functions read it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The metrics namespace: `POWERTOOLS_METRICS_NAMESPACE`, else `ActivityHistory` (docs/metrics.md).
 *
 * @example
 * ```ts
 * metricsNamespace({}); // 'ActivityHistory'
 * ```
 */
export const metricsNamespace = (env: Environment): string =>
  env.POWERTOOLS_METRICS_NAMESPACE ?? 'ActivityHistory';

/**
 * A setting the function cannot run without. Missing, it fails the function's initialisation with
 * a message naming the variable, rather than every request with an obscure SDK error.
 *
 * @example
 * ```ts
 * const tableName = requiredSetting(process.env, 'ACTIVITY_TABLE_NAME');
 * ```
 */
export const requiredSetting = (env: Environment, name: string): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`${name} is not set: the function's deployment must define it`);
  }
  return value;
};

/**
 * The container of one deployed function: what every function shares (the JSON logger, the system
 * clock, EMF metrics for its stage, default settings), then the function's own modules: its
 * adapters and its wiring. Nothing here touches the network: clients are only constructed. AWS
 * region and endpoints come from the SDK's own variables (`AWS_REGION`, `AWS_ENDPOINT_URL*`).
 *
 * @example
 * ```ts
 * const container = awsFunctionContainer('query', process.env, dynamoDbStore(process.env), queryWiring);
 * ```
 */
export const awsFunctionContainer = (
  stage: Stage,
  env: Environment,
  ...modules: ContainerModule[]
): Container => {
  const container = new Container();
  container
    .bind(TOKENS.logger)
    .toConstantValue(createLogger({ level: env.LOG_LEVEL?.toLowerCase() ?? 'info' }));
  container.bind(TOKENS.clock).toConstantValue(systemClock);
  container
    .bind(TOKENS.metrics)
    .toResolvedValue(() => createEmfMetrics({ namespace: metricsNamespace(env), serviceName: stage }))
    .inSingletonScope();
  container.bind(TOKENS.settings).toConstantValue({});
  container.load(...modules);
  return container;
};
