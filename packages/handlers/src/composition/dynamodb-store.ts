import { createDynamoDbClients, createDynamoDbEventStore } from '@activity-history/adapters-aws';
import { ContainerModule } from 'inversify';
import { ConfigurationError } from '../errors.js';
import { type Environment, requiredSetting } from './aws-function.js';
import { TOKENS } from './tokens.js';

/** `ACTIVITY_QUARANTINE_RETENTION_DAYS` when set (the process function's), else the store's default. */
const retentionOf = (env: Environment): { quarantineRetentionDays?: number } => {
  const text = env.ACTIVITY_QUARANTINE_RETENTION_DAYS;
  if (text === undefined || text.trim() === '') return {};
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0) {
    throw new ConfigurationError(
      `ACTIVITY_QUARANTINE_RETENTION_DAYS must be a positive number of days, got "${text}"`,
    );
  }
  return { quarantineRetentionDays: days };
};

/**
 * The DynamoDB event store over the table named by `ACTIVITY_TABLE_NAME`, as a module: shared by
 * the process, query and diagnose functions. A missing or malformed setting fails here, at the
 * function's initialisation.
 *
 * @example
 * ```ts
 * const container = awsFunctionContainer('query', process.env, dynamoDbStore(process.env), queryWiring);
 * ```
 */
export const dynamoDbStore = (env: Environment): ContainerModule => {
  const tableName = requiredSetting(env, 'ACTIVITY_TABLE_NAME');
  const retention = retentionOf(env);
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.store)
      .toResolvedValue(() =>
        createDynamoDbEventStore({ client: createDynamoDbClients().client, tableName, ...retention }),
      )
      .inSingletonScope();
  });
};
