import { type EventStoreHarness, faultForNextAppend } from '@activity-history/core/testing';
import type { PostgresConnector } from '../postgres-connection.js';
import { createPostgresEventStore, type PostgresEventStoreOptions } from '../postgres-event-store.js';
import { injectPostgresFaults, type PostgresFaults, tamperPostgresCounter } from './postgres-faults.js';

/**
 * The harness of core's event store contract over a migrated database: the store on a faulty
 * connector, a fault armed for one append, and tampering through the bare connector.
 *
 * This store keeps no watermarks (what a transaction inserts it counts in the same commit), so
 * `tamperWatermark` has nothing to change: the contract's watermark tests then check only that
 * repair and later appends stay exact, which they must whatever a watermark would have said.
 *
 * @example
 * ```ts
 * describeEventStoreContract('postgres', async () => postgresHarness(exclusiveSession(db)));
 * ```
 */
export const postgresHarness = (
  connector: PostgresConnector,
  options: Omit<PostgresEventStoreOptions, 'connector'> = {},
): EventStoreHarness & { readonly faults: PostgresFaults } => {
  const faults = injectPostgresFaults(connector);
  const store = createPostgresEventStore({ ...options, connector: faults.connector });
  return {
    faults,
    ...faultForNextAppend(store, faults.injectWriteFault, faults.disarm),
    cleanup: async () => faults.clear(),
    holdNextWrite: faults.holdNextWrite,
    tamperCounter: (userId, day, summary) => tamperPostgresCounter(connector, userId, day, summary),
    tamperWatermark: async () => undefined,
  };
};
