import type { IncomingRecord } from '@activity-history/core';

/**
 * What may go wrong in a delivery besides the function's own failures, for simulations: each is
 * something Lambda's event source mapping may also do.
 */
export interface DeliveryFaults {
  /** A random number in [0, 1); injected so that a simulation can be replayed (default `Math.random`). */
  readonly random?: () => number;
  /**
   * The share of fully processed batch parts that are not checkpointed and come again, as when a
   * function times out after its work was done or a checkpoint is lost (default 0).
   */
  readonly redeliverShare?: number;
  /**
   * Whether the batch handed to the function interleaves the records of different partition keys in
   * a random order, as with a parallelization factor above 1. One key's records keep their order
   * (default false).
   */
  readonly reorder?: boolean;
  /**
   * The share of invocations treated as timed out: a function error for the engine (retried or
   * bisected) while the invocation keeps running alongside the retry, so its writes land late
   * (default 0).
   */
  readonly zombieShare?: number;
}

/**
 * A copy of the items in a random order (Fisher-Yates).
 *
 * @example
 * ```ts
 * shuffled(['a', 'b', 'c'], Math.random); // e.g. ['c', 'a', 'b']
 * ```
 */
export const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
};

/**
 * Merges the records' per-key sequences in a random order: keys interleave, one key's order stays.
 *
 * @example
 * ```ts
 * interleaveKeys(records, seededRandom(7)); // u-2's records may come before u-1's, each in order
 * ```
 */
export const interleaveKeys = (
  records: readonly IncomingRecord[],
  random: () => number,
): IncomingRecord[] => {
  const queues = new Map<string, IncomingRecord[]>();
  for (const record of records) {
    const queue = queues.get(record.partitionKey) ?? [];
    queue.push(record);
    queues.set(record.partitionKey, queue);
  }
  const remaining = [...queues.values()];
  const merged: IncomingRecord[] = [];
  while (remaining.length > 0) {
    const pick = Math.floor(random() * remaining.length);
    const queue = remaining[pick]!;
    merged.push(queue.shift()!);
    if (queue.length === 0) remaining.splice(pick, 1);
  }
  return merged;
};
