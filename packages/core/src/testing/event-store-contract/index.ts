import { describeAppendContract } from './append.js';
import { describeConcurrencyContract } from './concurrency.js';
import { describeCrashRecoveryContract } from './crash-recovery.js';
import { describeEventLookupContract } from './event-lookup.js';
import type { EventStoreHarnessFactory } from './harness.js';
import { describeQuarantineContract } from './quarantine.js';
import { describeRangeContract } from './ranges.js';
import { describeRepairContract } from './repair.js';

export { describeAppendContract } from './append.js';
export { describeConcurrencyContract } from './concurrency.js';
export { describeCrashRecoveryContract } from './crash-recovery.js';
export { describeEventLookupContract } from './event-lookup.js';
export type {
  EventStoreHarness,
  EventStoreHarnessFactory,
  HeldWrite,
  WriteFault,
  WriteKind,
} from './harness.js';
export { faultForNextAppend } from './next-append-fault.js';
export { describeQuarantineContract } from './quarantine.js';
export { describeRangeContract } from './ranges.js';
export { describeRepairContract } from './repair.js';

/**
 * Every capability suite of the event store contract, for one adapter: append, ranges,
 * quarantine, event lookup, repair, crash recovery and concurrency. A new adapter passes all of them before it
 * is called done; each suite can also be run alone while building one.
 *
 * @example
 * ```ts
 * describeEventStoreContract('memory', async () => {
 *   const store = createMemoryEventStore();
 *   return { store, cleanup: async () => {}, ...store.faults, tamperCounter: store.tamperCounter, tamperWatermark: store.tamperWatermark };
 * });
 * ```
 */
export const describeEventStoreContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describeAppendContract(name, factory);
  describeRangeContract(name, factory);
  describeQuarantineContract(name, factory);
  describeEventLookupContract(name, factory);
  describeRepairContract(name, factory);
  describeCrashRecoveryContract(name, factory);
  describeConcurrencyContract(name, factory);
};
