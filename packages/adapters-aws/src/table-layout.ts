/**
 * The DynamoDB table the event store needs (docs/dynamodb-design.md): one table, a string
 * partition key and a string sort key, on-demand capacity, and TTL on {@link TTL_ATTRIBUTE}. The
 * CDK stack and local provisioning both build the table from these names.
 *
 * @example
 * ```ts
 * new Table(stack, 'Activity', {
 *   partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
 *   sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
 *   timeToLiveAttribute: TTL_ATTRIBUTE,
 * });
 * ```
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The attribute (epoch seconds) after which DynamoDB may delete an item: set on quarantined records. */
export const TTL_ATTRIBUTE = 'expiresAt';
