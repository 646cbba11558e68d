import { createDynamoDbClients, createDynamoDbEventStore } from '@activity-history/adapters-aws';
import type { Container } from 'inversify';
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
 * Binds the DynamoDB event store over the table named by `ACTIVITY_TABLE_NAME`, shared by the
 * process, query and diagnose functions.
 *
 * @example
 * ```ts
 * bindDynamoDbStore(container, process.env);
 * ```
 */
export const bindDynamoDbStore = (container: Container, env: Environment): void => {
  const tableName = requiredSetting(env, 'ACTIVITY_TABLE_NAME');
  const retention = retentionOf(env);
  container
    .bind(TOKENS.store)
    .toDynamicValue(() =>
      createDynamoDbEventStore({ client: createDynamoDbClients().client, tableName, ...retention }),
    )
    .inSingletonScope();
};
