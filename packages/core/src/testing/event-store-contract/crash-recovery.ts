import { describe, expect, it } from 'vitest';
import { EventStoreError } from '../../errors.js';
import type { PositionedEvent } from '../../ports/event-store.js';
import { normalizeEvent, writeInstant } from '../arbitraries.js';
import {
  type EventStoreHarness,
  type EventStoreHarnessFactory,
  expectExact,
  failureOf,
  firstVersions,
  harnessFor,
  namespaced,
  type TestShard,
  testShard,
  type WriteFault,
} from './harness.js';

/** A user's batch over three days with a resend inside it, after one event stored earlier. */
const crashBatch = async (
  harness: EventStoreHarness,
  user: string,
  shard: TestShard,
): Promise<PositionedEvent[]> => {
  const day = (d: number, h: number) => writeInstant(Date.UTC(2024, 11, 30 + d, h), 0);
  const earlier = normalizeEvent({ eventId: 'e-0', userId: user, type: 'x', occurredAt: day(0, 1) });
  await harness.store.append(shard.records([earlier]));
  const oneOne = normalizeEvent({
    eventId: 'e-1',
    userId: user,
    type: 'x',
    occurredAt: day(0, 5),
    quantity: 2.5,
  });
  return shard.records([
    earlier,
    oneOne,
    normalizeEvent({ eventId: 'e-2', userId: user, type: 'page.read', occurredAt: day(1, 23) }),
    normalizeEvent({ eventId: 'e-3', userId: user, type: 'x', occurredAt: day(2, 0) }),
    normalizeEvent({ eventId: 'e-4', userId: user, type: 'x', occurredAt: day(0, 7), quantity: 0.000001 }),
    oneOne,
  ]);
};

const FAULTS: readonly { readonly name: string; readonly at: (n: number) => WriteFault }[] = [
  { name: 'every write after a point fails', at: (n) => ({ kind: 'crash', afterWrites: n }) },
  { name: 'a write lands but its answer is lost', at: (n) => ({ kind: 'lostAnswer', atWrite: n }) },
  { name: 'one write fails and later ones succeed', at: (n) => ({ kind: 'failOne', atWrite: n }) },
];

/**
 * Crash recovery: whatever write of an append fails, in each of three ways, the append fails
 * retryably, and a redelivery of the same records (whole, or cut differently and joined by later
 * records) leaves events and counters exact.
 *
 * @example
 * ```ts
 * describeCrashRecoveryContract('memory', async () => memoryHarness());
 * ```
 */
export const describeCrashRecoveryContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (crash recovery): ${name}`, () => {
    const harness = harnessFor(factory);

    for (const fault of FAULTS) {
      it(`${fault.name}, at any write: the redelivery leaves everything exact`, async () => {
        const namespace = namespaced(`crash-${fault.at(0).kind}`);
        let failed = 0;
        for (let n = 0; n < 40; n++) {
          const user = namespace(`w${n}`);
          const shard = testShard();
          const batch = await crashBatch(harness, user, shard);

          harness.injectWriteFault(fault.at(n));
          const crashed = await failureOf(() => harness.store.append(batch));
          if (crashed === null) break;
          failed++;
          expect(crashed).toBeInstanceOf(EventStoreError);
          expect((crashed as EventStoreError).retryable).toBe(true);

          const redelivered = await harness.store.append(batch);
          expect(redelivered.every((o) => o.kind !== 'conflict' && o.kind !== 'refused')).toBe(true);
          await expectExact(harness.store, user, firstVersions(batch.map((r) => r.event)));
        }
        // A fault at every write of the batch, else the fault never reached the append.
        expect(failed).toBeGreaterThanOrEqual(6);
      });
    }

    it('after a crash, a redelivery cut in two and joined by later records leaves everything exact', async () => {
      const namespace = namespaced('crash-recut');
      for (let n = 0; n < 12; n++) {
        const user = namespace(`w${n}`);
        const shard = testShard();
        const batch = await crashBatch(harness, user, shard);
        harness.injectWriteFault({ kind: 'lostAnswer', atWrite: n });
        if ((await failureOf(() => harness.store.append(batch))) === null) break;

        const later = shard.records([
          normalizeEvent({ eventId: 'e-9', userId: user, type: 'x', occurredAt: '2024-12-30T09:00:00Z' }),
        ]);
        await harness.store.append(batch.slice(0, 2));
        await harness.store.append([...batch.slice(2), ...later]);

        await expectExact(harness.store, user, firstVersions([...batch, ...later].map((r) => r.event)));
      }
    });
  });
};
