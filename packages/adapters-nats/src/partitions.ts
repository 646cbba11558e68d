/** The header that carries the user id, so that a record whose data is unreadable is still attributed. */
export const USER_ID_HEADER = 'Activity-User-Id';

/**
 * The partition of a user: FNV-1a (32 bits) of the user id's UTF-8 bytes, modulo `partitions`.
 * Stable across processes and releases, so one user's events always go to one subject, in order.
 *
 * @example
 * ```ts
 * partitionOf('u-1', 4); // always the same number in 0..3
 * ```
 */
export const partitionOf = (userId: string, partitions: number): number => {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(userId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
};

/**
 * The subject of a partition, `<prefix>.<partition>`; it is also the partition's shard id.
 *
 * @example
 * ```ts
 * partitionSubject('activity', 3); // 'activity.3'
 * ```
 */
export const partitionSubject = (prefix: string, partition: number): string => `${prefix}.${partition}`;

/**
 * Every partition's subject, in partition order.
 *
 * @example
 * ```ts
 * partitionSubjects('activity', 2); // ['activity.0', 'activity.1']
 * ```
 */
export const partitionSubjects = (prefix: string, partitions: number): string[] =>
  Array.from({ length: partitions }, (_, partition) => partitionSubject(prefix, partition));

/** Throws for a partition count that cannot partition anything. */
export const checkPartitions = (partitions: number): void => {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
};
