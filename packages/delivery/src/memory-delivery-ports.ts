import type { DeadLetterBatch, DeadLetterDestination, ShardCheckpoints } from './delivery-ports.js';

/** Checkpoints held in memory, with every save in order (what a simulation or test asserts on). */
export interface MemoryCheckpoints extends ShardCheckpoints {
  /** Every save, oldest first, as `[shardId, sequenceNumber]`. */
  readonly saves: readonly (readonly [string, string])[];
}

/**
 * Checkpoints held in memory, gone with the process: for simulations, tests, and any runtime
 * that keeps its checkpoints elsewhere.
 *
 * @example
 * ```ts
 * const checkpoints = createMemoryCheckpoints({ 'shardId-000000000000': '4959...' });
 * ```
 */
export const createMemoryCheckpoints = (
  initial: Readonly<Record<string, string>> = {},
): MemoryCheckpoints => {
  const saved = new Map(Object.entries(initial));
  const saves: [string, string][] = [];
  return {
    saves,
    get: (shardId) => saved.get(shardId) ?? null,
    save: async (shardId, sequenceNumber) => {
      saves.push([shardId, sequenceNumber]);
      saved.set(shardId, sequenceNumber);
    },
  };
};

/** A dead-letter destination held in memory, with the batches it was given. */
export interface MemoryDeadLetters extends DeadLetterDestination {
  readonly batches: readonly DeadLetterBatch[];
}

/**
 * A dead-letter destination held in memory; `depth` counts records, starting from `initialDepth`
 * (records a destination held before, as a queue that outlives the process does).
 *
 * @example
 * ```ts
 * const deadLetters = createMemoryDeadLetters();
 * ```
 */
export const createMemoryDeadLetters = (initialDepth = 0): MemoryDeadLetters => {
  const batches: DeadLetterBatch[] = [];
  return {
    batches,
    add: async (batch) => {
      batches.push(batch);
    },
    depth: () => initialDepth + batches.reduce((sum, batch) => sum + batch.records.length, 0),
  };
};
