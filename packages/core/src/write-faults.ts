import type { Summary } from './activity-summary.js';
import type { DayKey } from './time-bucket.js';

/**
 * Fault injection for the writes of an event store, shared by the memory store and the DynamoDB
 * test harness so that a fault means the same thing on every backend the contract suites run on.
 */

/** What a store write is for: the claim of an event's key, a counter, a quarantined record. */
export type WriteKind = 'claim' | 'counter' | 'quarantine';

/**
 * A fault of the writes that follow, counted from 0 when armed:
 * - `crash`: the process dies after `afterWrites` writes: every later write fails, unsent;
 * - `lostAnswer`: write `atWrite` is sent and applied, but its answer is lost (the caller sees a failure);
 * - `failOne`: write `atWrite` fails unsent; the writes after it succeed.
 */
export type WriteFault =
  | { readonly kind: 'crash'; readonly afterWrites: number }
  | { readonly kind: 'lostAnswer'; readonly atWrite: number }
  | { readonly kind: 'failOne'; readonly atWrite: number };

/** A write held back before it is sent: a zombie whose request lands late. */
export interface HeldWrite {
  /** Resolves when the write has reached the hold. */
  readonly reached: Promise<void>;
  /** Lets the write through. */
  release(): void;
}

/** The switches, and the gate every write passes. */
export interface WriteFaults {
  /** Arms a fault; it replaces one armed before. */
  inject(fault: WriteFault): void;
  /** Disarms the fault, leaving holds as they are. */
  disarm(): void;
  /** Holds the next write of a kind until released. */
  hold(kind: WriteKind): HeldWrite;
  /** Disarms the fault and releases every held write. */
  clear(): void;
  /** Sends one write through the armed fault and holds: `send` performs it. */
  run<T>(kind: WriteKind, send: () => Promise<T>): Promise<T>;
}

/**
 * The write gate of a store's fault injection; `failure` builds the error a failed write shows
 * (an `EventStoreError` in memory, a lost connection on the wire).
 *
 * @example
 * ```ts
 * const faults = createWriteFaults((what) => new EventStoreError('unavailable', `injected fault: ${what}`));
 * faults.inject({ kind: 'lostAnswer', atWrite: 2 });
 * await faults.run('claim', () => putItem(item));
 * ```
 */
export const createWriteFaults = (failure: (what: string) => Error): WriteFaults => {
  let armed: { readonly fault: WriteFault; seen: number } | null = null;
  const holds = new Map<WriteKind, { gate: Promise<void>; arrive: () => void; release: () => void }>();
  return {
    inject(fault) {
      armed = { fault, seen: 0 };
    },
    disarm() {
      armed = null;
    },
    hold(kind) {
      let arrive = () => {};
      let release = () => {};
      const reached = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.set(kind, { gate, arrive, release });
      return { reached, release };
    },
    clear() {
      armed = null;
      for (const hold of holds.values()) hold.release();
      holds.clear();
    },
    async run(kind, send) {
      const hold = holds.get(kind);
      if (hold !== undefined) {
        holds.delete(kind);
        hold.arrive();
        await hold.gate;
      }
      const index = armed === null ? -1 : armed.seen++;
      const fault = armed?.fault;
      if (fault?.kind === 'crash' && index >= fault.afterWrites)
        throw failure(`crashed after ${fault.afterWrites} writes`);
      if (fault?.kind === 'failOne' && index === fault.atWrite) throw failure(`write ${index} failed`);
      if (fault?.kind !== 'lostAnswer' || index !== fault.atWrite) return send();
      // The write reaches the store, whatever it answers; the caller hears only a failure.
      await send().catch(() => undefined);
      throw failure(`the answer to write ${index} was lost`);
    },
  };
};

/**
 * Changes to a store's counters behind its back, as a bug or a hand edit would make them: what
 * drills and repair tests start from. Figures and watermarks are separate, so each can drift alone.
 *
 * @example
 * ```ts
 * await store.tamperCounter('u-1', '2026-03-02', null); // the day's counters are gone, its events stay
 * ```
 */
export interface CounterTampering {
  /** Overwrites (or deletes, with `null`) the figures of a user-day's counters, leaving their watermarks. */
  tamperCounter(userId: string, day: DayKey, summary: Summary | null): Promise<void>;
  /** Sets (or removes, with `null`) one counter's watermark for a shard. */
  tamperWatermark(
    userId: string,
    day: DayKey,
    type: string,
    shard: string,
    sequence: string | null,
  ): Promise<void>;
}
