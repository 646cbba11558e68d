import { describe, expect, it } from 'vitest';
import type { QuarantinedRecord, QuarantineReason } from '../../quarantine.js';
import { type EventStoreHarnessFactory, event, harnessFor, namespaced, testShard } from './harness.js';

const arrival = (
  userId: string,
  eventId: string | null,
  recordId: string,
  reason: QuarantineReason,
  quarantinedAt: number,
): QuarantinedRecord => ({
  userId,
  eventId,
  reason,
  errors: [{ path: 'eventId', message: `event ${eventId} was stored before with different content` }],
  payload: `{"eventId":"${eventId}","recordId":"${recordId}"}`,
  quarantinedAt,
  recordId,
  correlationId: `c-${recordId}`,
});

/**
 * Looking up one key: the stored version of (`userId`, `eventId`) whatever its day, and every
 * quarantined arrival of that key, newest first, beyond any limit of `readQuarantine` and
 * without the records of other keys or users.
 *
 * @example
 * ```ts
 * describeEventLookupContract('memory', async () => memoryHarness());
 * ```
 */
export const describeEventLookupContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (event lookup): ${name}`, () => {
    const harness = harnessFor(factory);

    it('returns the first stored version of a key, whatever its day, and null for a key never stored', async () => {
      const { store } = harness;
      const users = namespaced('lookup');
      const user = users('u-1');
      const first = event({
        userId: user,
        eventId: 'e-1',
        occurredAt: '2003-07-04T23:59:59.999Z',
        quantity: 2.5,
      });
      const other = event({ userId: users('u-2'), eventId: 'e-1', type: 'page.read' });
      const shard = testShard();
      await store.append(shard.records([first]));
      await store.append(shard.records([{ ...first, quantity: 9 }]));
      await store.append(shard.records([other]));

      expect(await store.readEvent(user, 'e-1')).toEqual(first);
      expect(await store.readEvent(users('u-2'), 'e-1')).toEqual(other);
      expect(await store.readEvent(user, 'e-2')).toBeNull();
      expect(await store.readEvent(users('nobody'), 'e-1')).toBeNull();
    });

    it('returns a copy: changing what it returned changes nothing stored', async () => {
      const { store } = harness;
      const user = namespaced('lookup-copy')('u-1');
      const stored = event({ userId: user, eventId: 'e-1', attributes: { track: 't-1' } });
      await store.append(testShard().records([stored]));

      const read = await store.readEvent(user, 'e-1');
      (read?.attributes as Record<string, unknown>).track = 'changed';

      expect(await store.readEvent(user, 'e-1')).toEqual(stored);
    });

    it("returns every quarantined arrival of a key, newest first, and no other key's", async () => {
      const { store } = harness;
      const users = namespaced('lookup-quarantine');
      const user = users('u-1');
      const now = Date.now();
      // More arrivals than the diagnosis shows, interleaved with other keys' records.
      const mine = Array.from({ length: 25 }, (_, i) =>
        arrival(
          user,
          'e-1',
          `r-${String(i).padStart(3, '0')}`,
          i % 5 === 0 ? 'invalid_event' : 'conflict',
          now + i,
        ),
      );
      const others = Array.from({ length: 30 }, (_, i) =>
        arrival(user, `e-${i + 2}`, `s-${String(i).padStart(3, '0')}`, 'conflict', now + 100 + i),
      );
      await store.quarantine([
        ...mine.slice(0, 10),
        ...others,
        arrival(user, null, 'm-1', 'malformed_record', now + 200),
        arrival(users('u-2'), 'e-1', 'x-1', 'conflict', now + 300),
        ...mine.slice(10),
      ]);

      const found = await store.readEventQuarantine(user, 'e-1');

      expect(found).toEqual([...mine].reverse());
      expect(await store.readEventQuarantine(user, 'e-404')).toEqual([]);
      expect(await store.readEventQuarantine(users('nobody'), 'e-1')).toEqual([]);
    });

    it('keeps one entry per record and reason among the arrivals of a key', async () => {
      const { store } = harness;
      const user = namespaced('lookup-idempotent')('u-1');
      const now = Date.now();
      const record = arrival(user, 'e-1', 'r-1', 'conflict', now);

      await store.quarantine([record]);
      await store.quarantine([record, { ...record, quarantinedAt: now + 1 }]);

      expect(await store.readEventQuarantine(user, 'e-1')).toEqual([record]);
    });
  });
};
