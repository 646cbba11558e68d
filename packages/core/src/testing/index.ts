/**
 * Test support for adapters of the core ports: one contract suite per port, to run against every
 * adapter (in memory, on emulators, on another cloud), and named fast-check arbitraries of events.
 * Needs `vitest` and `fast-check` (optional peer dependencies of this package).
 *
 * @example
 * ```ts
 * import { describeEventStoreContract } from '@activity-history/core/testing';
 *
 * describeEventStoreContract('my-cloud', async () => ({ store: createMyStore(), cleanup: async () => {} }));
 * ```
 *
 * @packageDocumentation
 */
export {
  ARBITRARY_NOW,
  activityTypeArb,
  attributesArb,
  conflictingVariantArb,
  dayArb,
  duplicateInputArb,
  type EventInput,
  type EventInputConstraints,
  eventIdArb,
  eventInputArb,
  instantArb,
  invalidEventInputArb,
  malformedPayloadArb,
  normalizeEvent,
  offsetMinutesArb,
  PROTOTYPE_MEMBER_NAMES,
  quantityArb,
  seededRandom,
  userIdArb,
  validEventArb,
  writeInstant,
} from './arbitraries.js';
export {
  describeAppendContract,
  describeConcurrencyContract,
  describeCrashRecoveryContract,
  describeEventLookupContract,
  describeEventStoreContract,
  describeQuarantineContract,
  describeRangeContract,
  describeRepairContract,
  type EventStoreHarness,
  type EventStoreHarnessFactory,
  faultForNextAppend,
  type HeldWrite,
  type WriteFault,
  type WriteKind,
} from './event-store-contract/index.js';
export {
  describeEventStreamContract,
  type EventStreamHarness,
  type StreamedRecord,
} from './event-stream-contract.js';
