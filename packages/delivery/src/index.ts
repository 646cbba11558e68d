/**
 * Lambda's Kinesis event source mapping as one engine: a pure decision core (what follows an
 * invocation: checkpoint, bisect, retry after a backoff, dead-letter) and a loop that drives it over
 * ports (a shard source, checkpoints, a dead-letter destination, the function, a clock), with the
 * faults Lambda may add for simulations. Local mode and the in-memory property tests both deliver
 * through it.
 *
 * @example
 * ```ts
 * import { createDeliveryEngine } from '@activity-history/delivery';
 *
 * const engine = createDeliveryEngine({ source, checkpoints, deadLetters, invoke, clock, metrics, logger });
 * await engine.drain();
 * ```
 *
 * @packageDocumentation
 */
export { type DeadLetter, deadLettersOf } from './dead-letter.js';
export {
  type BatchPart,
  type BatchPlan,
  cutBatch,
  type DeadLetterReason,
  type DeadLetterVerdict,
  type Decision,
  type Delivery,
  decideAfterInvocation,
  type InvocationOutcome,
  MAX_PAYLOAD_BYTES,
  planBatch,
  retryBackoffMs,
  type ShardView,
} from './delivery-decisions.js';
export {
  createDeliveryEngine,
  type DeliveryEngine,
  type DeliveryEngineDependencies,
  type DrainReport,
  type ShardPoll,
} from './delivery-engine.js';
export { type DeliveryFaults, interleaveKeys, shuffled } from './delivery-faults.js';
export type {
  BatchResult,
  DeadLetterBatch,
  DeadLetterDestination,
  DeliveryBatch,
  DeliveryFunction,
  DeliveryLogger,
  DeliveryMetrics,
  ShardCheckpoints,
} from './delivery-ports.js';
export { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings.js';
export { deliverySettingsFromEnv } from './delivery-settings-env.js';
export {
  createMemoryCheckpoints,
  createMemoryDeadLetters,
  type MemoryCheckpoints,
  type MemoryDeadLetters,
} from './memory-delivery-ports.js';
