import type { EventStore } from '../../ports/event-store.js';
import type { WriteFault } from '../../write-faults.js';

/**
 * Scopes a store's fault switch to the harness's promise: a fault armed through the returned
 * `injectWriteFault` concerns the writes of the next `append` and is disarmed when that append
 * ends, whatever it came to. For stores whose own switch stays armed until cleared (the memory
 * and PostgreSQL stores' are).
 *
 * @example
 * ```ts
 * const store = createMemoryEventStore();
 * const scoped = faultForNextAppend(store, store.faults.injectWriteFault, store.faults.disarmWriteFault);
 * return { ...scoped, cleanup, holdNextWrite, tamperCounter, tamperWatermark };
 * ```
 */
export const faultForNextAppend = <Store extends EventStore>(
  store: Store,
  inject: (fault: WriteFault) => void,
  disarm: () => void,
): { readonly store: Store; injectWriteFault(fault: WriteFault): void } => {
  let armed = false;
  return {
    store: {
      ...store,
      append: async (events) => {
        try {
          return await store.append(events);
        } finally {
          if (armed) disarm();
          armed = false;
        }
      },
    },
    injectWriteFault: (fault) => {
      armed = true;
      inject(fault);
    },
  };
};
