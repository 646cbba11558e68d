import { ActivityHistoryError } from '@activity-history/core';

/**
 * A function was deployed without a setting it needs. Thrown while the container is built, at
 * module scope, so a misconfigured function fails its first invocation loudly instead of answering.
 *
 * @example
 * ```ts
 * throw new ConfigurationError('ACTIVITY_TABLE_NAME is not set');
 * ```
 */
export class ConfigurationError extends ActivityHistoryError {}

/**
 * The in-process query API did not answer with a history (the diagnosis reports it as its `api`
 * check failing).
 *
 * @example
 * ```ts
 * throw new HistoryApiError('the query answered invalid_parameter: from must be a date');
 * ```
 */
export class HistoryApiError extends ActivityHistoryError {}
