import { describe, expect, it } from 'vitest';
import type { QuarantinedRecord, QuarantineReason } from '../../quarantine.js';
import { type EventStoreHarnessFactory, harnessFor, namespaced } from './harness.js';

const quarantined = (
  userId: string,
  recordId: string,
  reason: QuarantineReason,
  quarantinedAt: number,
): QuarantinedRecord => ({
  userId,
  eventId: `e-${recordId}`,
  reason,
  errors: [{ path: 'quantity', message: 'quantity must be at least 0.000001' }],
  payload: `{"recordId":"${recordId}"}`,
  quarantinedAt,
  recordId,
  correlationId: `c-${recordId}`,
});

/**
 * Quarantine: a user's records newest first, at most `limit`; one entry per record and reason
 * however often it comes; the largest record the processor can make is kept whole.
 *
 * @example
 * ```ts
 * describeQuarantineContract('memory', async () => memoryHarness());
 * ```
 */
export const describeQuarantineContract = (name: string, factory: EventStoreHarnessFactory): void => {
  describe(`EventStore contract (quarantine): ${name}`, () => {
    const harness = harnessFor(factory);

    it("returns a user's quarantined records newest first, at most `limit`", async () => {
      const { store } = harness;
      const users = namespaced('quarantine');
      const user = users('u-1');
      const now = Date.now();
      const records = [3, 1, 4, 2, 5].map((n) =>
        quarantined(user, `r-${n}`, n % 2 === 0 ? 'conflict' : 'invalid_event', now + n),
      );
      await store.quarantine([...records, quarantined(users('u-2'), 'r-9', 'malformed_record', now + 9)]);

      const latest = await store.readQuarantine(user, 3);

      expect(latest.map((r) => r.recordId)).toEqual(['r-5', 'r-4', 'r-3']);
      expect(latest[0]).toEqual(records[4]);
      expect((await store.readQuarantine(user, 20)).map((r) => r.reason)).toEqual([
        'invalid_event',
        'conflict',
        'invalid_event',
        'conflict',
        'invalid_event',
      ]);
    });

    it('keeps one entry per record and reason however often the record is quarantined', async () => {
      const { store } = harness;
      const user = namespaced('quarantine-idempotent')('u-1');
      const now = Date.now();
      const record = quarantined(user, 'r-1', 'invalid_event', now);

      await store.quarantine([record]);
      await store.quarantine([record, { ...record, quarantinedAt: now + 1 }]);
      await store.quarantine([{ ...record, reason: 'unstorable', quarantinedAt: now + 2 }]);

      const kept = await store.readQuarantine(user, 20);
      expect(kept.map((r) => [r.recordId, r.reason])).toEqual([
        ['r-1', 'unstorable'],
        ['r-1', 'invalid_event'],
      ]);
    });

    it('keeps the largest record the processor makes, whole: capped errors and payload, nulls', async () => {
      const { store } = harness;
      const user = namespaced('quarantine-large')('u-1');
      const record: QuarantinedRecord = {
        ...quarantined(user, '9'.repeat(129), 'malformed_record', Date.now()),
        eventId: null,
        correlationId: null,
        errors: Array.from({ length: 21 }, (_, i) => ({
          path: `p${i}`.repeat(20),
          message: '\u{1F600}'.repeat(150),
        })),
        payload: '\u{1F600}'.repeat(1_024),
      };

      await store.quarantine([record]);

      expect(await store.readQuarantine(user, 20)).toEqual([record]);
    });
  });
};
