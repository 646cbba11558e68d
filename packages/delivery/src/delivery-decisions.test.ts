import type { IncomingRecord } from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import {
  type BatchPart,
  cutBatch,
  type Delivery,
  decideAfterInvocation,
  MAX_PAYLOAD_BYTES,
  planBatch,
  retryBackoffMs,
} from './delivery-decisions.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings.js';

const NOW = Date.UTC(2026, 2, 2, 12);

const record = (
  n: number,
  options: { key?: string; arrivedAt?: number; bytes?: number } = {},
): IncomingRecord => ({
  recordId: String(n).padStart(20, '0'),
  shard: 'shardId-000000000000',
  partitionKey: options.key ?? 'u-1',
  data: new Uint8Array(options.bytes ?? 8),
  arrivedAt: options.arrivedAt ?? NOW,
});

const records = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => record(from + i));
const ids = (list: readonly IncomingRecord[]) => list.map((r) => Number(r.recordId));
const part = (list: readonly IncomingRecord[], retries = 0): BatchPart => ({ records: list, retries });
const settings = (overrides: Partial<DeliverySettings> = {}): DeliverySettings => ({
  ...DEFAULT_DELIVERY_SETTINGS,
  ...overrides,
});

describe('cutBatch', () => {
  it('takes at most batchSize records from the head of the buffer', () => {
    expect(ids(cutBatch(records(1, 10), 4))).toEqual([1, 2, 3, 4]);
    expect(ids(cutBatch(records(1, 3), 4))).toEqual([1, 2, 3]);
  });

  it("cuts before Lambda's 6 MB payload, counting data base64-encoded", () => {
    // Each record is about 1.33 MB once base64-encoded: four fit under 6 MB, five do not.
    const big = Array.from({ length: 6 }, (_, i) => record(i + 1, { bytes: 1024 * 1024 }));

    expect(cutBatch(big, 100)).toHaveLength(4);
  });

  it('hands over a record larger than the limit alone rather than never', () => {
    const huge = [record(1, { bytes: MAX_PAYLOAD_BYTES }), record(2)];

    expect(ids(cutBatch(huge, 100))).toEqual([1]);
  });
});

describe('planBatch', () => {
  const window = { batchSize: 10, batchingWindowMs: 1_000 };

  it('is idle with nothing buffered, and held when the shard is held', () => {
    expect(planBatch({ buffer: [], windowStartedAt: null, held: false }, window, NOW)).toEqual({
      kind: 'idle',
    });
    expect(planBatch({ buffer: records(1, 20), windowStartedAt: NOW, held: true }, window, NOW)).toEqual({
      kind: 'held',
    });
  });

  it('gathers a short batch until the batching window has passed', () => {
    const shard = { buffer: records(1, 3), windowStartedAt: NOW, held: false };

    expect(planBatch(shard, window, NOW + 999)).toEqual({ kind: 'gathering' });
    expect(planBatch(shard, window, NOW + 1_000)).toEqual({ kind: 'deliver', records: records(1, 3) });
  });

  it('delivers a full batch at once, window or not', () => {
    const shard = { buffer: records(1, 12), windowStartedAt: NOW, held: false };

    expect(planBatch(shard, window, NOW)).toEqual({ kind: 'deliver', records: records(1, 10) });
  });

  it('delivers a batch cut short by the payload limit without waiting', () => {
    const big = Array.from({ length: 6 }, (_, i) => record(i + 1, { bytes: 1024 * 1024 }));

    const plan = planBatch({ buffer: big, windowStartedAt: NOW, held: false }, window, NOW);

    expect(plan.kind).toBe('deliver');
  });

  it('without a batching window delivers whatever is buffered', () => {
    const shard = { buffer: records(1, 2), windowStartedAt: NOW, held: false };

    expect(planBatch(shard, { batchSize: 10, batchingWindowMs: 0 }, NOW)).toEqual({
      kind: 'deliver',
      records: records(1, 2),
    });
  });
});

describe('retryBackoffMs', () => {
  it('doubles the initial backoff per retry made, up to the maximum', () => {
    const backoff = { retryBackoffInitialMs: 1_000, retryBackoffMaxMs: 30_000 };

    expect([0, 1, 2, 3, 4, 5, 60].map((retries) => retryBackoffMs(retries, backoff))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe('decideAfterInvocation', () => {
  const batch = records(1, 8);
  const whole: Delivery = [part(batch)];

  it('marks the whole part done when the function succeeds, and goes on with the rest', () => {
    const delivery: Delivery = [part(records(1, 4)), part(records(5, 8))];

    const decision = decideAfterInvocation(delivery, { kind: 'ok' }, settings(), NOW);

    expect(decision).toEqual({ kind: 'delivered', done: records(1, 4), delivery: [part(records(5, 8))] });
  });

  it('treats an empty failure list as success', () => {
    expect(decideAfterInvocation(whole, { kind: 'partial', failed: [] }, settings(), NOW)).toEqual({
      kind: 'delivered',
      done: batch,
      delivery: [],
    });
  });

  it('resumes at the lowest failed record in shard order, whatever order the failures are listed in', () => {
    const failed = [batch[6]!.recordId, batch[3]!.recordId];

    const decision = decideAfterInvocation(whole, { kind: 'partial', failed }, settings(), NOW);

    expect(decision).toMatchObject({ kind: 'retry', done: records(1, 3), backoffMs: 1_000 });
    if (decision.kind !== 'retry') throw new Error('expected a retry');
    expect(ids(decision.delivery[0].records)).toEqual([4, 5, 6, 7, 8]);
    expect(decision.delivery[0].retries).toBe(1);
  });

  it('retries the whole part when its first record failed, without bisecting', () => {
    const decision = decideAfterInvocation(
      whole,
      { kind: 'partial', failed: [batch[0]!.recordId] },
      settings(),
      NOW,
    );

    expect(decision).toMatchObject({ kind: 'retry', done: [] });
  });

  it.each([
    ['an unknown identifier', ['99999999999999999999']],
    ['an empty identifier', ['']],
  ])('counts %s among the failures as a function error (the part is bisected)', (_, unknown) => {
    const failed = [batch[5]!.recordId, ...unknown];

    const decision = decideAfterInvocation(whole, { kind: 'partial', failed }, settings(), NOW);

    expect(decision).toMatchObject({ kind: 'bisect', error: expect.stringMatching(/not in the batch/) });
  });

  it('bisects a part on a function error, halves first, keeping its retry count and the rest after', () => {
    const delivery: Delivery = [part(records(1, 5), 2), part(records(6, 8))];

    const decision = decideAfterInvocation(delivery, { kind: 'error', error: 'boom' }, settings(), NOW);

    expect(decision).toEqual({
      kind: 'bisect',
      delivery: [part(records(1, 3), 2), part(records(4, 5), 2), part(records(6, 8))],
      error: 'boom',
    });
  });

  it('retries a single record on a function error, and a whole part when bisect is off', () => {
    const single = decideAfterInvocation([part([record(1)])], { kind: 'error', error: 'e' }, settings(), NOW);
    const unsplit = decideAfterInvocation(
      whole,
      { kind: 'error', error: 'e' },
      settings({ bisectBatchOnFunctionError: false }),
      NOW,
    );

    expect(single).toMatchObject({ kind: 'retry', done: [], backoffMs: 1_000 });
    expect(unsplit).toMatchObject({ kind: 'retry', done: [], delivery: [part(batch, 1)] });
  });

  it('backs off longer per retry already made', () => {
    const decision = decideAfterInvocation(
      [part(batch, 3)],
      { kind: 'error', error: 'e' },
      settings({
        bisectBatchOnFunctionError: false,
      }),
      NOW,
    );

    expect(decision).toMatchObject({ kind: 'retry', backoffMs: 8_000, delivery: [part(batch, 4)] });
  });

  it('dead-letters a part that has used its retries, then goes on with the rest', () => {
    const delivery: Delivery = [part(records(1, 4), 2), part(records(5, 8))];

    const decision = decideAfterInvocation(
      delivery,
      { kind: 'partial', failed: [batch[1]!.recordId] },
      settings({ maximumRetryAttempts: 2 }),
      NOW,
    );

    expect(decision).toEqual({
      kind: 'deadLetter',
      done: records(1, 1),
      deadLetter: {
        records: records(2, 4),
        reason: 'retries_exhausted',
        attempts: 3,
        lastError: '1 records reported failed',
      },
      delivery: [part(records(5, 8))],
    });
  });

  it('never gives up with unlimited retries and no age limit', () => {
    const decision = decideAfterInvocation(
      [part([record(1)], 1_000)],
      { kind: 'error', error: 'e' },
      settings({ maximumRetryAttempts: -1, maximumRecordAgeMs: -1 }),
      NOW + 365 * 86_400_000,
    );

    expect(decision.kind).toBe('retry');
  });

  it('dead-letters a failing part holding a record older than maximumRecordAge, before counting retries', () => {
    const old = [record(1, { arrivedAt: NOW - 5_001 }), record(2)];
    const limits = settings({
      maximumRecordAgeMs: 5_000,
      maximumRetryAttempts: 0,
      bisectBatchOnFunctionError: false,
    });

    const expired = decideAfterInvocation([part(old)], { kind: 'error', error: 'e' }, limits, NOW);
    const young = decideAfterInvocation([part(old)], { kind: 'error', error: 'e' }, limits, NOW - 2);

    expect(expired).toMatchObject({
      kind: 'deadLetter',
      deadLetter: { reason: 'record_expired', attempts: 1 },
    });
    expect(young).toMatchObject({ kind: 'deadLetter', deadLetter: { reason: 'retries_exhausted' } });
  });
});
