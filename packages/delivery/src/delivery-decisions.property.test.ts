/**
 * The decision core's promises, whatever the function answers: every record ends done or
 * dead-lettered exactly once; the checkpoint only moves forward and only through records that are
 * done; and one partition key's records reach the function in shard order (a record is handed over
 * only once every earlier record of its key is done or handed before it in the same batch), even
 * when batches are reordered across keys.
 *
 * The shard is replayed with `planBatch` and `decideAfterInvocation` alone, time moving by the
 * backoffs they ask for. Mutations it was seen to fail on (applied by hand, not committed): resuming
 * a partial failure at the last failed record listed rather than the lowest in shard order;
 * bisecting with the halves swapped.
 */
import type { IncomingRecord } from '@activity-history/core';
import { seededRandom } from '@activity-history/core/testing';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  type BatchPart,
  decideAfterInvocation,
  type InvocationOutcome,
  planBatch,
} from './delivery-decisions.js';
import { interleaveKeys } from './delivery-faults.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings.js';

const START = Date.UTC(2026, 2, 2, 12);

/** What the function answers to one invocation; `partial` picks records of the batch as handed. */
type Answer =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error' }
  | { readonly kind: 'partial'; readonly picks: readonly number[]; readonly unknown: boolean };

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'ok' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'error' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('partial' as const),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      unknown: fc.oneof(
        { weight: 3, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
);

/** A shard's records (their keys, in shard order), the mapping's settings and the function's answers. */
const scenarioArb = fc.record({
  keys: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 30 }),
  ages: fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 30 }),
  settings: fc.record({
    batchSize: fc.integer({ min: 1, max: 8 }),
    bisectBatchOnFunctionError: fc.boolean(),
    maximumRetryAttempts: fc.integer({ min: 0, max: 3 }),
    maximumRecordAgeMs: fc.constantFrom(-1, 3_000, 20_000),
  }),
  answers: fc.array(answerArb, { maxLength: 80 }),
  reorderSeed: fc.integer(),
});

const outcomeOf = (answer: Answer | undefined, handed: readonly IncomingRecord[]): InvocationOutcome => {
  if (answer === undefined || answer.kind === 'ok') return { kind: 'ok' };
  if (answer.kind === 'error') return { kind: 'error', error: 'the function threw' };
  const failed = answer.picks.map((pick) => handed[pick % handed.length]!.recordId);
  return { kind: 'partial', failed: answer.unknown ? [...failed, 'not-a-record'] : failed };
};

describe('the delivery decisions', () => {
  test.prop([scenarioArb], { numRuns: 500 })(
    'end every record done or dead-lettered once, move the checkpoint forward over done records only, and keep each key in order',
    (scenario) => {
      const settings: DeliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, ...scenario.settings };
      const all: IncomingRecord[] = scenario.keys.map((partitionKey, i) => ({
        recordId: String(i + 1).padStart(20, '0'),
        shard: 'shardId-000000000000',
        partitionKey,
        data: new Uint8Array(4),
        arrivedAt: START - (scenario.ages[i] ?? 0),
      }));
      const random = seededRandom(scenario.reorderSeed);
      const fate = new Map<string, 'done' | 'deadLettered'>();
      let buffer = [...all];
      let checkpoint = -1;
      let now = START;
      let invocations = 0;

      /** The loop's bookkeeping: `records` must be the buffer's head; the checkpoint moves through them. */
      const settle = (records: readonly IncomingRecord[], how: 'done' | 'deadLettered') => {
        if (records.length === 0) return;
        expect(records).toEqual(buffer.slice(0, records.length));
        for (const record of records) {
          expect(fate.has(record.recordId)).toBe(false);
          fate.set(record.recordId, how);
        }
        const next = all.indexOf(records.at(-1)!);
        expect(next).toBeGreaterThan(checkpoint);
        checkpoint = next;
        buffer = buffer.slice(records.length);
      };

      const expectKeyOrder = (handed: readonly IncomingRecord[]) => {
        const position = new Map(handed.map((record, i) => [record.recordId, i]));
        for (const [i, record] of handed.entries()) {
          const earlier = all
            .slice(0, all.indexOf(record))
            .filter((r) => r.partitionKey === record.partitionKey);
          for (const before of earlier) {
            const handedBefore = (position.get(before.recordId) ?? Number.POSITIVE_INFINITY) < i;
            expect(fate.has(before.recordId) || handedBefore).toBe(true);
          }
        }
      };

      while (buffer.length > 0) {
        const plan = planBatch({ buffer, windowStartedAt: now, held: false }, settings, now);
        if (plan.kind !== 'deliver')
          throw new Error(`a buffered shard without a window should deliver, not ${plan.kind}`);
        expect(plan.records.length).toBeLessThanOrEqual(settings.batchSize);
        let delivery: readonly BatchPart[] = [{ records: plan.records, retries: 0 }];
        while (delivery.length > 0) {
          const [head, ...rest] = delivery as [BatchPart, ...BatchPart[]];
          expect(++invocations).toBeLessThan(2_000);
          const handed = interleaveKeys(head.records, random);
          expect([...handed].sort((a, b) => (a.recordId < b.recordId ? -1 : 1))).toEqual(head.records);
          expectKeyOrder(handed);
          const outcome = outcomeOf(scenario.answers[invocations - 1], handed);
          const decision = decideAfterInvocation([head, ...rest], outcome, settings, now);
          // A record the function reported failed is never done by that invocation.
          const reported = new Set(outcome.kind === 'partial' ? outcome.failed : []);
          if ('done' in decision) expect(decision.done.filter((r) => reported.has(r.recordId))).toEqual([]);
          switch (decision.kind) {
            case 'delivered':
              settle(decision.done, 'done');
              break;
            case 'bisect':
              expect(decision.delivery.flatMap((p) => p.records)).toEqual(delivery.flatMap((p) => p.records));
              break;
            case 'retry':
              settle(decision.done, 'done');
              expect(decision.backoffMs).toBeGreaterThan(0);
              now += decision.backoffMs;
              break;
            case 'deadLetter':
              settle(decision.done, 'done');
              settle(decision.deadLetter.records, 'deadLettered');
              break;
          }
          delivery = decision.delivery;
          // What is still in delivery is exactly the head of the buffer, in shard order.
          expect(delivery.flatMap((p) => p.records)).toEqual(
            buffer.slice(
              0,
              delivery.reduce((n, p) => n + p.records.length, 0),
            ),
          );
        }
      }

      expect([...fate.keys()].sort()).toEqual(all.map((r) => r.recordId));
      expect(checkpoint).toBe(all.length - 1);
    },
  );
});
