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
