import type { Clock, IncomingRecord, MetricSample, ShardSource } from '@activity-history/core';
import { seededRandom } from '@activity-history/core/testing';
import { describe, expect, it } from 'vitest';
import { createDeliveryEngine, type DeliveryEngineDependencies } from './delivery-engine.js';
import type { DeliveryBatch, DeliveryFunction } from './delivery-ports.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings.js';
import {
  createMemoryCheckpoints,
  createMemoryDeadLetters,
  type MemoryCheckpoints,
  type MemoryDeadLetters,
} from './memory-delivery-ports.js';

const START = Date.parse('2026-03-02T12:00:00Z');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A clock that moves only when told; `sleep` moves it and resolves at once, so retries cost nothing. */
const manualClock = (start = START) => {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += Math.max(0, ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
};

/** Lets every promise chain that waits on nothing but promises run to its end. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock whose sleeps wait until `advance` passes their time, for the running engine (`start`):
 * time moves only in the test's hands, yet the engine's loops really wait.
 */
const timerClock = (start = START) => {
  let now = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ at: now + Math.max(0, ms), wake })),
    async advance(ms: number) {
      const until = now + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (next === undefined || next.at > until) break;
        sleepers.shift();
        now = Math.max(now, next.at);
        next.wake();
        await settle();
      }
      now = until;
    },
  };
};

/** An in-memory stream of `shardCount` shards; a key's shard is fixed by `shardOf`. */
const createShards = (clock: Clock, shardCount = 1) => {
  const shardIds = Array.from({ length: shardCount }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
  const logs = new Map<string, IncomingRecord[]>(shardIds.map((id) => [id, []]));
  let sequence = 0;
  const shardOf = (key: string) => shardIds[[...key].reduce((h, c) => h + c.charCodeAt(0), 0) % shardCount]!;
  let failReads = 0;
  const source: ShardSource = {
    identity: async () => 'test-stream',
    shardIds: async () => shardIds,
    read: async (shardId, after, limit) => {
      if (failReads > 0) {
        failReads--;
        throw new Error('the stream is unreachable');
      }
      return logs
        .get(shardId)!
        .filter((r) => after === null || r.recordId > after)
        .slice(0, limit);
    },
  };
  return {
    shardIds,
    source,
    log: (shardId: string) => logs.get(shardId)!,
    failNextReads: (n: number) => {
      failReads = n;
    },
    append(text: string, partitionKey = 'u-1'): IncomingRecord {
      const shard = shardOf(partitionKey);
      const record = {
        recordId: String(++sequence).padStart(20, '0'),
        shard,
        partitionKey,
        data: encoder.encode(text),
        arrivedAt: clock.now(),
      };
      logs.get(shard)!.push(record);
      return record;
    },
  };
};

type Shards = ReturnType<typeof createShards>;

/** Writes `count` records named `<prefix>-<n>` (n from 1) for the partition key. */
const append = (shards: Shards, count: number, prefix = 'r', partitionKey = 'u-1') =>
  Array.from({ length: count }, (_, i) => shards.append(`${prefix}-${i + 1}`, partitionKey));

const names = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${from + i}`);

const textOf = (record: IncomingRecord) => decoder.decode(record.data);

/** The dead letters, one entry per record, with its text. */
const lettersOf = (deadLetters: MemoryDeadLetters) =>
  deadLetters.batches.flatMap((e) => e.records.map((r) => ({ ...e, text: textOf(r), record: r })));

const recordingMetrics = () => {
  const samples: MetricSample[] = [];
  const depths: (number | null)[] = [];
  return {
    samples,
    depths,
    record: (sample: MetricSample) => {
      samples.push(sample);
    },
    setDeadLetterDepth: (depth: number | null) => {
      depths.push(depth);
    },
    flush: async () => {},
    latest: <K extends MetricSample['kind']>(kind: K) =>
      samples.filter((s): s is Extract<MetricSample, { kind: K }> => s.kind === kind).at(-1),
  };
};

const recordingLogger = () => {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, message, fields });
  };
  return { lines, warn: at('warn'), error: at('error') };
};

/**
 * A process function whose behaviour the test decides: `decide` gets the batch's record texts and
 * answers with the texts to report failed, or throws.
 */
const recordingFunction = (decide: (texts: readonly string[]) => readonly string[] = () => []) => {
  const invocations: { shardId: string; texts: string[]; records: readonly IncomingRecord[] }[] = [];
  const invoke: DeliveryFunction = async ({ shardId, records }: DeliveryBatch) => {
    const texts = records.map(textOf);
    invocations.push({ shardId, texts, records });
    const failed = new Set(decide(texts));
    return { failed: records.filter((r) => failed.has(textOf(r))).map((r) => r.recordId) };
  };
  return { invocations, invoke, texts: () => invocations.map((i) => i.texts) };
};

interface SetupOptions {
  readonly invoke: DeliveryFunction;
  readonly clock?: ReturnType<typeof manualClock> | ReturnType<typeof timerClock>;
  readonly shards?: Shards;
  readonly checkpoints?: MemoryCheckpoints;
  readonly deadLetters?: MemoryDeadLetters;
  readonly settings?: Partial<DeliverySettings>;
  readonly faults?: DeliveryEngineDependencies['faults'];
}

const setup = (options: SetupOptions) => {
  const clock = options.clock ?? manualClock();
  const shards = options.shards ?? createShards(clock);
  const checkpoints = options.checkpoints ?? createMemoryCheckpoints();
  const deadLetters = options.deadLetters ?? createMemoryDeadLetters();
  const metrics = recordingMetrics();
  const logger = recordingLogger();
  const engine = createDeliveryEngine({
    source: shards.source,
    checkpoints,
    deadLetters,
    invoke: options.invoke,
    clock,
    metrics,
    logger,
    settings: { pollIntervalMs: 10, ...options.settings },
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  return { clock, shards, checkpoints, deadLetters, metrics, logger, engine };
};

const pollUntilQuiet = async (engine: ReturnType<typeof setup>['engine']) => {
  while ((await engine.pollOnce()).includes('delivered')) {}
};

describe('the delivery engine (Lambda Kinesis event source mapping, in process)', () => {
  it('hands over at most batchSize records per invocation, in shard order', async () => {
    const fn = recordingFunction();
    const { shards, engine } = setup({ invoke: fn.invoke, settings: { batchSize: 100 } });
    append(shards, 250);

    expect(await engine.pollOnce()).toEqual(['delivered']);
    expect(await engine.pollOnce()).toEqual(['delivered']);
    expect(await engine.pollOnce()).toEqual(['delivered']);
    expect(await engine.pollOnce()).toEqual(['idle']);

    expect(fn.invocations.map((i) => i.texts.length)).toEqual([100, 100, 50]);
    expect(fn.texts().flat()).toEqual(names('r', 1, 250));
    expect(fn.invocations.every((i) => i.shardId === shards.shardIds[0])).toBe(true);
  });

  it('gathers records for the batching window unless a full batch is ready', async () => {
    const fn = recordingFunction();
    const { clock, shards, engine } = setup({
      invoke: fn.invoke,
      settings: { batchSize: 10, batchingWindowMs: 1_000 },
    });
    const manual = clock as ReturnType<typeof manualClock>;
    append(shards, 3, 'a');

    expect(await engine.pollOnce()).toEqual(['gathering']);
    manual.advance(600);
    expect(await engine.pollOnce()).toEqual(['gathering']);
    expect(fn.invocations).toHaveLength(0);

    append(shards, 7, 'b');
    expect(await engine.pollOnce()).toEqual(['delivered']);
    expect(fn.invocations[0]!.texts).toEqual([...names('a', 1, 3), ...names('b', 1, 7)]);

    append(shards, 2, 'c');
    expect(await engine.pollOnce()).toEqual(['gathering']);
    manual.advance(1_000);
    expect(await engine.pollOnce()).toEqual(['delivered']);
    expect(fn.invocations[1]!.texts).toEqual(names('c', 1, 2));
  });

  it('keeps one batch in flight per shard and each key in order, shards in parallel', async () => {
    const clock = manualClock();
    const shards = createShards(clock, 3);
    const inFlight = new Map<string, number>();
    let mostPerShard = 0;
    let mostOverall = 0;
    const seen = new Map<string, number[]>();
    const invoke: DeliveryFunction = async ({ shardId, records }) => {
      inFlight.set(shardId, (inFlight.get(shardId) ?? 0) + 1);
      mostPerShard = Math.max(mostPerShard, inFlight.get(shardId)!);
      mostOverall = Math.max(
        mostOverall,
        [...inFlight.values()].reduce((a, b) => a + b, 0),
      );
      await settle();
      for (const record of records) {
        const [key, n] = textOf(record).split('#');
        seen.set(key!, [...(seen.get(key!) ?? []), Number(n)]);
      }
      inFlight.set(shardId, inFlight.get(shardId)! - 1);
      return { failed: [] };
    };
    const { engine } = setup({ invoke, clock, shards, settings: { batchSize: 25 } });
    const keys = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    for (let n = 1; n <= 20; n++) for (const key of keys) shards.append(`${key}#${n}`, key);

    // Two polls at once: a shard's polls take turns, they never overlap.
    await Promise.all([pollUntilQuiet(engine), pollUntilQuiet(engine)]);

    expect(mostPerShard).toBe(1);
    expect(mostOverall).toBe(3);
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('checkpoints before the lowest reported failure and retries from it', async () => {
    let attempt = 0;
    const fn = recordingFunction(() => (++attempt === 1 ? ['r-7', 'r-4'] : []));
    const { shards, engine, checkpoints } = setup({ invoke: fn.invoke });
    const records = append(shards, 10);

    await engine.pollOnce();

    expect(fn.texts()).toEqual([names('r', 1, 10), names('r', 4, 10)]);
    expect(checkpoints.saves.map(([, sequence]) => sequence)).toEqual([
      records[2]!.recordId,
      records[9]!.recordId,
    ]);
  });

  it('resumes at the lowest failed record in shard order when the batch was reordered across keys', async () => {
    let attempt = 0;
    const fn = recordingFunction((texts) => (++attempt === 1 ? texts.filter((t) => t !== 'a-1') : []));
    const { shards, engine, checkpoints } = setup({
      invoke: fn.invoke,
      faults: { reorder: true, random: seededRandom(3) },
    });
    // a-1 b-1 a-2 b-2 ... in the shard; everything but a-1 fails.
    const records = Array.from({ length: 4 }, (_, i) => [
      shards.append(`a-${i + 1}`, 'a'),
      shards.append(`b-${i + 1}`, 'a'.repeat(4)),
    ]).flat();

    await engine.pollOnce();

    expect(fn.invocations[0]!.texts).not.toEqual(records.map(textOf));
    expect(checkpoints.saves[0]![1]).toBe(records[0]!.recordId);
    expect(new Set(fn.invocations[1]!.texts)).toEqual(new Set(records.slice(1).map(textOf)));
  });

  it('bisects a batch whose invocation throws, isolating the record that breaks it', async () => {
    const fn = recordingFunction((texts) => {
      if (texts.includes('r-6')) throw new Error('the function crashed on r-6');
      return [];
    });
    const { shards, engine, deadLetters } = setup({
      invoke: fn.invoke,
      settings: { maximumRetryAttempts: 2 },
    });
    append(shards, 8);

    await engine.pollOnce();

    expect(fn.texts()).toEqual([
      names('r', 1, 8),
      names('r', 1, 4),
      names('r', 5, 8),
      names('r', 5, 6),
      ['r-5'],
      ['r-6'],
      ['r-6'],
      ['r-6'],
      names('r', 7, 8),
    ]);
    expect(lettersOf(deadLetters).map((l) => l.text)).toEqual(['r-6']);
  });

  it('counts an unknown or empty failure identifier as a function error, as Lambda does', async () => {
    let attempt = 0;
    const invoke: DeliveryFunction = async ({ records }) => ({
      failed: ++attempt === 1 ? [records[2]!.recordId, ''] : [],
    });
    const fn = recordingFunction();
    const { shards, engine } = setup({
      invoke: async (batch) => {
        await fn.invoke(batch);
        return invoke(batch);
      },
    });
    append(shards, 4);

    await engine.pollOnce();

    // Bisected as on a throw, not resumed at r-3.
    expect(fn.texts()).toEqual([names('r', 1, 4), names('r', 1, 2), names('r', 3, 4)]);
  });

  it('without bisect, retries the whole batch and dead-letters all of it', async () => {
    const fn = recordingFunction((texts) => {
      if (texts.includes('r-6')) throw new Error('the function crashed on r-6');
      return [];
    });
    const { shards, engine, deadLetters } = setup({
      invoke: fn.invoke,
      settings: { maximumRetryAttempts: 1, bisectBatchOnFunctionError: false },
    });
    append(shards, 8);

    await engine.pollOnce();

    expect(fn.texts()).toEqual([names('r', 1, 8), names('r', 1, 8)]);
    const letters = lettersOf(deadLetters);
    expect(letters.map((l) => l.text)).toEqual(names('r', 1, 8));
    expect(letters.every((l) => l.reason === 'retries_exhausted' && l.attempts === 2)).toBe(true);
    expect(letters[0]!.lastError).toBe('the function crashed on r-6');
  });

  it('retries a failing batch maximumRetryAttempts times with doubling backoff, then moves on', async () => {
    const fn = recordingFunction((texts) => texts.filter((t) => t === 'r-2'));
    const { clock, shards, engine, deadLetters, checkpoints } = setup({
      invoke: fn.invoke,
      settings: { maximumRetryAttempts: 3, retryBackoffInitialMs: 1_000, retryBackoffMaxMs: 3_000 },
    });
    const records = append(shards, 3);

    await engine.pollOnce();

    expect(fn.texts()).toEqual([names('r', 1, 3), names('r', 2, 3), names('r', 2, 3), names('r', 2, 3)]);
    expect(clock.now() - START).toBe(1_000 + 2_000 + 3_000);
    expect(lettersOf(deadLetters).map((l) => l.record.recordId)).toEqual([
      records[1]!.recordId,
      records[2]!.recordId,
    ]);
    expect(deadLetters.batches[0]).toMatchObject({ at: START + 6_000, attempts: 4 });
    expect(checkpoints.get(shards.shardIds[0]!)).toBe(records[2]!.recordId);
  });

  it('dead-letters failing records older than maximumRecordAge', async () => {
    const fn = recordingFunction((texts) => texts);
    const { clock, shards, engine, deadLetters } = setup({
      invoke: fn.invoke,
      settings: { maximumRecordAgeMs: 5_000, maximumRetryAttempts: -1, retryBackoffInitialMs: 1_000 },
    });
    append(shards, 2);

    await engine.pollOnce();

    expect(lettersOf(deadLetters).map((l) => l.reason)).toEqual(['record_expired', 'record_expired']);
    // Retried after 1, 2 and 4 s; at 7 s the records are older than 5 s.
    expect(clock.now() - START).toBe(7_000);
    expect(fn.invocations).toHaveLength(4);
  });

  it('with the default settings retries a failing batch for at least 5 minutes before dead-lettering it', async () => {
    const fn = recordingFunction((texts) => texts);
    const { clock, shards, engine, deadLetters } = setup({
      invoke: fn.invoke,
      settings: { pollIntervalMs: DEFAULT_DELIVERY_SETTINGS.pollIntervalMs },
    });
    append(shards, 1);

    await engine.pollOnce();

    expect(lettersOf(deadLetters)).toHaveLength(1);
    // 1 + 2 + 4 + 8 + 16 s, then 15 retries 30 s apart.
    expect(clock.now() - START).toBe(481_000);
    expect(clock.now() - START).toBeGreaterThanOrEqual(5 * 60_000);
    expect(fn.invocations).toHaveLength(21);
  });

  it("reports the dead-letter destination's depth to the metrics, from the start and after each batch", async () => {
    const fn = recordingFunction((texts) => texts);
    const { shards, engine, metrics, logger } = setup({
      invoke: fn.invoke,
      deadLetters: createMemoryDeadLetters(5),
      settings: { maximumRetryAttempts: 0 },
    });
    append(shards, 3);

    await engine.pollOnce();

    expect(metrics.depths).toEqual([5, 8]);
    expect(metrics.latest('deadLettered')).toEqual({ kind: 'deadLettered', count: 3 });
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.fields.reason)).toEqual([
      'retries_exhausted',
    ]);
  });

  it('resumes after a restart where processing stood: nothing skipped, nothing delivered twice', async () => {
    const clock = manualClock();
    const shards = createShards(clock, 2);
    const checkpoints = createMemoryCheckpoints();
    for (let n = 0; n < 300; n++) shards.append(`r-${n}`, `user-${n % 7}`);
    const first = recordingFunction();
    const before = setup({ invoke: first.invoke, clock, shards, checkpoints, settings: { batchSize: 50 } });
    await before.engine.pollOnce();
    await before.engine.pollOnce();

    const second = recordingFunction();
    const after = setup({ invoke: second.invoke, clock, shards, checkpoints, settings: { batchSize: 50 } });
    await pollUntilQuiet(after.engine);

    const delivered = [...first.invocations, ...second.invocations].flatMap((i) => i.texts);
    expect(first.texts().flat()).toHaveLength(200);
    expect(delivered.sort()).toEqual(Array.from({ length: 300 }, (_, n) => `r-${n}`).sort());
  });

  it('starts at the oldest record without a checkpoint, and after the checkpoint with one', async () => {
    const clock = manualClock();
    const shards = createShards(clock);
    const records = append(shards, 5);
    const fresh = recordingFunction();
    const resumed = recordingFunction();

    await setup({ invoke: fresh.invoke, clock, shards }).engine.pollOnce();
    await setup({
      invoke: resumed.invoke,
      clock,
      shards,
      checkpoints: createMemoryCheckpoints({ [shards.shardIds[0]!]: records[1]!.recordId }),
    }).engine.pollOnce();

    expect(fresh.texts()).toEqual([names('r', 1, 5)]);
    expect(resumed.texts()).toEqual([names('r', 3, 5)]);
  });

  it('records the lag of the oldest unprocessed record and the pending records while stuck', async () => {
    let failing = true;
    let stuck: { lag: number | undefined; pending: number | undefined } | undefined;
    const fn = recordingFunction((texts) => (failing ? texts : []));
    const { shards, engine, metrics } = setup({
      invoke: async (batch) => {
        if (fn.invocations.length === 3) {
          // What the metrics ticker sees while the batch is stuck, two backoffs after its arrival.
          engine.recordMetrics();
          stuck = { lag: metrics.latest('streamLag')?.ms, pending: metrics.latest('pendingRecords')?.count };
          failing = false;
        }
        return fn.invoke(batch);
      },
      settings: { retryBackoffInitialMs: 20, retryBackoffMaxMs: 20, maximumRetryAttempts: -1 },
    });
    append(shards, 4);

    await engine.pollOnce();
    engine.recordMetrics();

    expect(stuck).toEqual({ lag: 60, pending: 4 });
    expect(engine.pending()).toBe(0);
    expect(metrics.latest('streamLag')).toEqual({ kind: 'streamLag', ms: 0 });
    expect(metrics.latest('pendingRecords')).toEqual({ kind: 'pendingRecords', count: 0 });
  });

  it('holds a shard back for a drill: still read, so pending grows, but not delivered until released', async () => {
    const fn = recordingFunction();
    const { shards, engine } = setup({ invoke: fn.invoke });
    append(shards, 3);
    engine.holdShard(shards.shardIds[0]!);

    expect(await engine.pollOnce()).toEqual(['held']);
    append(shards, 2, 's');
    expect(await engine.pollOnce()).toEqual(['held']);
    expect(engine.pending()).toBe(5);
    expect(fn.invocations).toHaveLength(0);

    engine.releaseShard(shards.shardIds[0]!);
    expect(await engine.pollOnce()).toEqual(['delivered']);
    expect(fn.texts()).toEqual([[...names('r', 1, 3), ...names('s', 1, 2)]]);
  });

  it('when started, polls every shard and records its metrics until stopped', async () => {
    const clock = timerClock();
    const shards = createShards(clock, 2);
    const fn = recordingFunction();
    const { engine, metrics } = setup({
      invoke: fn.invoke,
      clock,
      shards,
      settings: { metricsIntervalMs: 1_000 },
    });
    append(shards, 3, 'a', 'a');

    engine.start();
    await clock.advance(10);
    append(shards, 2, 'b', 'a');
    await clock.advance(3_000);
    const stopped = engine.stop();
    await clock.advance(10);
    await stopped;

    expect(fn.texts().flat()).toEqual([...names('a', 1, 3), ...names('b', 1, 2)]);
    expect(metrics.samples.filter((s) => s.kind === 'pendingRecords')).toHaveLength(3);
    expect(await engine.pollOnce()).toEqual(['stopped', 'stopped']);
  });

  it('on stop abandons a batch waiting for its retry without checkpointing it', async () => {
    const clock = timerClock();
    const fn = recordingFunction((texts) => texts);
    const { shards, engine, checkpoints, deadLetters } = setup({
      invoke: fn.invoke,
      clock,
      settings: { retryBackoffInitialMs: 60_000 },
    });
    append(shards, 2);

    engine.start();
    await clock.advance(0);
    expect(fn.invocations).toHaveLength(1);
    const stopped = engine.stop();
    // The engine waits its backoff in poll-interval slices: the next slice ends the wait.
    await clock.advance(10);
    await stopped;

    expect(clock.now() - START).toBe(10);
    expect(fn.invocations).toHaveLength(1);
    expect(checkpoints.get(shards.shardIds[0]!)).toBeNull();
    expect(deadLetters.depth()).toBe(0);
  });

  it('on stop finishes the batch in flight and checkpoints it before resolving', async () => {
    const clock = timerClock();
    let release = () => {};
    const fn = recordingFunction();
    const { shards, engine, checkpoints } = setup({
      invoke: async (batch) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return fn.invoke(batch);
      },
      clock,
    });
    const records = append(shards, 2);
    engine.start();
    await clock.advance(0);

    let resolved = false;
    const stopped = engine.stop().then(() => {
      resolved = true;
    });
    await clock.advance(100);
    expect(resolved).toBe(false);
    release();
    await clock.advance(10);
    await stopped;

    expect(checkpoints.get(shards.shardIds[0]!)).toBe(records[1]!.recordId);
  });

  it('when started, logs a shard it cannot read and reads it again after a pause', async () => {
    const clock = timerClock();
    const shards = createShards(clock);
    const fn = recordingFunction();
    const { engine, logger } = setup({ invoke: fn.invoke, clock, shards });
    append(shards, 1);
    shards.failNextReads(2);

    engine.start();
    await clock.advance(30);
    const stopped = engine.stop();
    await clock.advance(10);
    await stopped;

    expect(logger.lines.filter((l) => l.message === 'the shard could not be polled')).toHaveLength(2);
    expect(fn.texts()).toEqual([['r-1']]);
  });
});

describe('the delivery engine under simulation faults (drain)', () => {
  it('delivers every record once, in order per shard, in batches of at most batchSize', async () => {
    const fn = recordingFunction();
    const { shards, engine } = setup({ invoke: fn.invoke, settings: { batchSize: 4 } });
    for (let i = 0; i < 5; i++) for (const user of ['u-1', 'u-2']) shards.append(`${user}/${i}`, user);

    const report = await engine.drain();

    expect(fn.invocations.map((i) => i.texts.length)).toEqual([4, 4, 2]);
    expect(fn.invocations.flatMap((i) => i.records)).toEqual(shards.log(shards.shardIds[0]!));
    expect(report).toEqual({ batches: 3, deliveredRecords: 10, errors: 0, drained: true });
    expect(engine.pending()).toBe(0);
  });

  it('delivers the whole batch again when the function throws (without bisect)', async () => {
    let calls = 0;
    const { shards, engine } = setup({
      invoke: async () => {
        if (++calls === 1) throw new Error('function crashed');
        return { failed: [] };
      },
      settings: { bisectBatchOnFunctionError: false },
    });
    append(shards, 3);

    const report = await engine.drain();

    expect(report).toEqual({ batches: 2, deliveredRecords: 6, errors: 1, drained: true });
  });

  it('delivers processed batches again with the redelivery fault, and still drains', async () => {
    const clock = manualClock();
    const shards = createShards(clock, 2);
    const seen = new Map<string, number>();
    const { engine, checkpoints } = setup({
      invoke: async ({ records }) => {
        for (const r of records) seen.set(r.recordId, (seen.get(r.recordId) ?? 0) + 1);
        return { failed: [] };
      },
      clock,
      shards,
      settings: { batchSize: 5 },
      faults: { redeliverShare: 0.5, random: seededRandom(1) },
    });
    for (let i = 0; i < 10; i++)
      for (const user of ['u-1', 'u-2', 'u-3']) shards.append(`${user}/${i}`, user);

    const report = await engine.drain();

    expect(report.drained).toBe(true);
    expect(seen.size).toBe(30);
    expect(report.deliveredRecords).toBeGreaterThan(30);
    expect([...seen.values()].some((n) => n > 1)).toBe(true);
    for (const shardId of shards.shardIds) {
      const log = shards.log(shardId);
      if (log.length > 0) expect(checkpoints.get(shardId)).toBe(log.at(-1)!.recordId);
    }
  });

  it('reorders records across partition keys but never within one', async () => {
    const fn = recordingFunction();
    const { shards, engine } = setup({
      invoke: fn.invoke,
      settings: { batchSize: 100 },
      faults: { reorder: true, random: seededRandom(7) },
    });
    for (let i = 0; i < 8; i++) for (const user of ['u-1', 'u-2', 'u-3']) shards.append(`${user}/${i}`, user);
    const inLog = shards.log(shards.shardIds[0]!);

    await engine.drain();
    const delivered = fn.invocations[0]!.records;

    expect(delivered).not.toEqual(inLog);
    expect([...delivered].sort((a, b) => (a.recordId < b.recordId ? -1 : 1))).toEqual(inLog);
    for (const user of ['u-1', 'u-2', 'u-3']) {
      const mine = (records: readonly IncomingRecord[]) => records.filter((r) => r.partitionKey === user);
      expect(mine(delivered)).toEqual(mine(inLog));
    }
  });

  it('stops at maxBatches and says it did not drain; the next drain goes on', async () => {
    const fn = recordingFunction();
    const { shards, engine } = setup({ invoke: fn.invoke, settings: { batchSize: 1 } });
    append(shards, 5);

    const first = await engine.drain(3);
    const exact = await engine.drain(2);

    expect(first).toEqual({ batches: 3, deliveredRecords: 3, errors: 0, drained: false });
    expect(exact).toEqual({ batches: 2, deliveredRecords: 2, errors: 0, drained: true });
    expect(fn.texts().flat()).toEqual(names('r', 1, 5));
  });

  it("reports each drain's own figures: an error of an earlier drain is not counted again", async () => {
    let calls = 0;
    const { shards, engine } = setup({
      invoke: async () => {
        calls++;
        if (calls === 1) throw new Error('the first invocation fails');
        return { failed: [] };
      },
      settings: { batchSize: 1 },
    });
    append(shards, 1);

    const failing = await engine.drain(1);
    const retried = await engine.drain();

    expect(failing).toEqual({ batches: 1, deliveredRecords: 1, errors: 1, drained: false });
    expect(retried).toEqual({ batches: 1, deliveredRecords: 1, errors: 0, drained: true });
  });

  it('counts retries against maxBatches, abandoning the retry rather than waiting for it', async () => {
    const fn = recordingFunction((texts) => texts);
    const { clock, shards, engine, checkpoints } = setup({ invoke: fn.invoke });
    append(shards, 2);

    const report = await engine.drain(3);

    expect(report).toEqual({ batches: 3, deliveredRecords: 6, errors: 0, drained: false });
    // Waited before the second and third invocations only.
    expect(clock.now() - START).toBe(1_000 + 2_000);
    expect(checkpoints.get(shards.shardIds[0]!)).toBeNull();
  });

  it('waits out the batching window with the clock while draining', async () => {
    const fn = recordingFunction();
    const { clock, shards, engine } = setup({
      invoke: fn.invoke,
      settings: { batchSize: 10, batchingWindowMs: 500, pollIntervalMs: 100 },
    });
    append(shards, 2);

    const report = await engine.drain();

    expect(report).toMatchObject({ batches: 1, drained: true });
    expect(clock.now() - START).toBe(500);
  });

  it('with the zombie fault retries a timed-out invocation while it runs on, its writes landing late', async () => {
    const writes: string[] = [];
    let releaseZombie = () => {};
    let calls = 0;
    // The first invocation is the zombie (0 < share), the retry is not (0.99).
    const script = [0, 0.99];
    const { shards, engine, checkpoints } = setup({
      invoke: async ({ records }) => {
        const call = ++calls;
        if (call === 1) {
          await new Promise<void>((resolve) => {
            releaseZombie = resolve;
          });
        }
        writes.push(...records.map((r) => `${textOf(r)} by invocation ${call}`));
        return { failed: [] };
      },
      faults: { zombieShare: 0.5, random: () => script.shift() ?? 0.99 },
    });
    const records = append(shards, 1);

    const report = await engine.drain();
    let settled = false;
    const zombies = engine.settled().then(() => {
      settled = true;
    });
    await settle();
    const beforeRelease = { settled, writes: [...writes] };
    releaseZombie();
    await zombies;

    expect(report).toEqual({ batches: 2, deliveredRecords: 2, errors: 1, drained: true });
    expect(checkpoints.get(shards.shardIds[0]!)).toBe(records[0]!.recordId);
    expect(beforeRelease).toEqual({ settled: false, writes: ['r-1 by invocation 2'] });
    expect(writes).toEqual(['r-1 by invocation 2', 'r-1 by invocation 1']);
  });

  it('refuses to drain while started', async () => {
    const clock = timerClock();
    const { engine } = setup({ invoke: recordingFunction().invoke, clock });
    engine.start();

    await expect(engine.drain()).rejects.toThrow(/not while the engine is started/);

    const stopped = engine.stop();
    await clock.advance(10);
    await stopped;
  });
});
