import { assertNever, type Clock, type IncomingRecord, type ShardSource } from '@activity-history/core';
import {
  type BatchPart,
  type DeadLetterVerdict,
  type Delivery,
  decideAfterInvocation,
  type InvocationOutcome,
  planBatch,
} from './delivery-decisions.js';
import { type DeliveryFaults, interleaveKeys, shuffled } from './delivery-faults.js';
import type {
  DeadLetterDestination,
  DeliveryFunction,
  DeliveryLogger,
  DeliveryMetrics,
  ShardCheckpoints,
} from './delivery-ports.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings.js';

/** What a poll of one shard did (`held`: read, but held back by `holdShard`). */
export type ShardPoll = 'idle' | 'gathering' | 'held' | 'delivered' | 'stopped';

/** What a drain did. */
export interface DrainReport {
  /** Batches handed to the function: retries, bisected halves and redeliveries each count one. */
  readonly batches: number;
  /** Records handed to the function, redeliveries included. */
  readonly deliveredRecords: number;
  /** Invocations that threw or timed out. */
  readonly errors: number;
  /** Whether every record of the stream was processed before the batch limit. */
  readonly drained: boolean;
}

/** What the engine needs. */
export interface DeliveryEngineDependencies {
  readonly source: ShardSource;
  readonly checkpoints: ShardCheckpoints;
  readonly deadLetters: DeadLetterDestination;
  readonly invoke: DeliveryFunction;
  /** Every wait goes through `clock.sleep`: a manual clock makes retries and windows instant. */
  readonly clock: Clock;
  readonly metrics: DeliveryMetrics;
  readonly logger: DeliveryLogger;
  readonly settings?: Partial<DeliverySettings>;
  readonly faults?: DeliveryFaults;
}

/** Lambda's Kinesis event source mapping, in process. */
export interface DeliveryEngine {
  /** Polls every shard once, each delivering at most one batch (its retries included). */
  pollOnce(): Promise<readonly ShardPoll[]>;
  /**
   * Starts polling every shard, one batch in flight per shard, until `stop`. Needs a clock whose
   * `sleep` waits (a manual clock that advances on `sleep` would spin).
   */
  start(): void;
  /**
   * Stops intake: no new batch starts, a batch waiting to be retried is abandoned (it is not
   * checkpointed, so it comes again after a restart), a batch in flight finishes. Resolves when
   * every shard is quiet and its checkpoint written.
   */
  stop(): Promise<void>;
  /**
   * Holds a shard back: it is still read (so its lag and pending records grow, as a stuck shard's
   * do) but none of its records is delivered until `releaseShard`. For fault drills.
   */
  holdShard(shardId: string): void;
  releaseShard(shardId: string): void;
  /** Records read but not yet processed, over all shards. */
  pending(): number;
  /** Records the stream's lag (age of the oldest unprocessed record) and pending records now. */
  recordMetrics(): void;
  /** Resolves when every invocation abandoned as timed out (the zombie fault) has finished. */
  settled(): Promise<void>;
  /**
   * For tests and simulations: polls until nothing is pending or `maxBatches` batches were handed
   * to the function (default 10,000). Shards of one round start in a random order and run
   * concurrently; a batch interrupted by the limit is not checkpointed and comes again, with its
   * retry count reset, as after a restart. Not while `start`ed.
   */
  drain(maxBatches?: number): Promise<DrainReport>;
}

interface ShardState {
  readonly shardId: string;
  /** Records read and not yet done, in shard order: the head is the oldest unprocessed record. */
  readonly buffer: IncomingRecord[];
  /** The last sequence number read into the buffer. */
  readPosition: string | null;
  /** When the batching window of the records in the buffer started. */
  windowStartedAt: number | null;
  /** The poll under way: polls of one shard take turns, so one batch at most is in flight. */
  turn: Promise<unknown>;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const isDelivery = (parts: readonly BatchPart[]): parts is Delivery => parts.length > 0;

/**
 * Creates the engine that feeds a stream's records to the process function the way Lambda's
 * Kinesis event source mapping does: shards in parallel, one batch in flight per shard, records in
 * shard order, starting at the checkpoint or, with none, at the oldest record (`TRIM_HORIZON`).
 * What happens after each invocation is decided by {@link decideAfterInvocation}; this loop reads,
 * invokes, waits, checkpoints and dead-letters as told.
 *
 * - A batch is `batchSize` records (or fewer, under Lambda's 6 MB payload limit), or fewer once the
 *   batching window has passed.
 * - With `ReportBatchItemFailures`, the records before the lowest failed one are done and the
 *   shard's checkpoint moves past them; the rest is retried. A function error fails the whole
 *   batch, which is bisected when `bisectBatchOnFunctionError` is on (splits do not use retries).
 * - A failing batch is retried with exponential backoff until `maximumRetryAttempts` or
 *   `maximumRecordAgeMs` runs out; then its records go to the dead-letter destination (its depth
 *   goes to the metrics) and the shard moves on.
 * - The checkpoint is written only after the function returned for every record it covers, so a
 *   stop at any instant skips nothing: at worst a batch is delivered again, which the store counts
 *   once.
 *
 * The shards are listed on first use, so creating the engine does no I/O.
 *
 * @example
 * ```ts
 * const engine = createDeliveryEngine({ source, checkpoints, deadLetters, clock: systemClock, metrics, logger,
 *   invoke: async ({ shardId, records }) => ({ failed: await processRecords(shardId, records) }) });
 * engine.start();
 * await engine.stop();
 * ```
 */
export const createDeliveryEngine = (deps: DeliveryEngineDependencies): DeliveryEngine => {
  const settings: DeliverySettings = { ...DEFAULT_DELIVERY_SETTINGS, ...deps.settings };
  const { clock, logger: log, checkpoints, deadLetters, metrics } = deps;
  const random = deps.faults?.random ?? Math.random;
  const redeliverShare = deps.faults?.redeliverShare ?? 0;
  const zombieShare = deps.faults?.zombieShare ?? 0;
  const reorder = deps.faults?.reorder ?? false;

  let shards: ShardState[] = [];
  let opening: Promise<ShardState[]> | null = null;
  let stopping = false;
  let running: Promise<void> | null = null;
  const held = new Set<string>();
  const zombies = new Set<Promise<void>>();
  /** Invocations the current drain may still make; unlimited outside a drain. */
  let budget = Number.POSITIVE_INFINITY;
  const counters = { batches: 0, deliveredRecords: 0, errors: 0 };

  const open = (): Promise<ShardState[]> => {
    opening ??= (async () => {
      const shardIds = await deps.source.shardIds();
      shards = shardIds.map((shardId) => ({
        shardId,
        buffer: [],
        readPosition: checkpoints.get(shardId),
        windowStartedAt: null,
        turn: Promise.resolve(),
      }));
      metrics.setDeadLetterDepth(deadLetters.depth());
      return shards;
    })().catch((error: unknown) => {
      // The source may be back at the next attempt.
      opening = null;
      throw error;
    });
    return opening;
  };

  const mayInvoke = (): boolean => !stopping && budget > 0;

  /** Waits `ms` of the clock, in slices, returning early (false) once a stop is asked for. */
  const pause = async (ms: number): Promise<boolean> => {
    for (let left = ms; left > 0 && !stopping; left -= settings.pollIntervalMs) {
      await clock.sleep(Math.min(left, settings.pollIntervalMs));
    }
    return !stopping;
  };

  const fill = async (shard: ShardState): Promise<void> => {
    const room = Math.max(settings.readAheadRecords, settings.batchSize) - shard.buffer.length;
    if (room <= 0) return;
    const records = await deps.source.read(shard.shardId, shard.readPosition, room);
    if (records.length === 0) return;
    if (shard.buffer.length === 0) shard.windowStartedAt = clock.now();
    shard.buffer.push(...records);
    shard.readPosition = records.at(-1)!.recordId;
  };

  /** Marks the buffer's first `records` done: checkpoints the last of them and drops them. */
  const settle = async (shard: ShardState, records: readonly IncomingRecord[]): Promise<void> => {
    if (records.length === 0) return;
    await checkpoints.save(shard.shardId, records.at(-1)!.recordId);
    shard.buffer.splice(0, records.length);
    shard.windowStartedAt = shard.buffer.length > 0 ? clock.now() : null;
  };

  const deadLetter = async (shard: ShardState, verdict: DeadLetterVerdict): Promise<void> => {
    await deadLetters.add({ shardId: shard.shardId, ...verdict, at: clock.now() });
    metrics.record({ kind: 'deadLettered', count: verdict.records.length });
    metrics.setDeadLetterDepth(deadLetters.depth());
    log.error(
      {
        shardId: shard.shardId,
        records: verdict.records.length,
        from: verdict.records[0]!.recordId,
        to: verdict.records.at(-1)!.recordId,
        reason: verdict.reason,
        lastError: verdict.lastError,
      },
      'records sent to the dead-letter destination',
    );
    await settle(shard, verdict.records);
  };

  const invoke = async (shardId: string, part: BatchPart): Promise<InvocationOutcome> => {
    budget--;
    counters.batches++;
    counters.deliveredRecords += part.records.length;
    const records = reorder ? interleaveKeys(part.records, random) : part.records;
    // Wrapped so that a function throwing before its first await is a rejection like any other.
    const call = (async () => deps.invoke({ shardId, records }))();
    if (zombieShare > 0 && random() < zombieShare) {
      counters.errors++;
      const zombie: Promise<void> = call.then(
        () => undefined,
        (error: unknown) => log.warn({ shardId, err: describe(error) }, 'a timed-out invocation failed'),
      );
      zombies.add(zombie);
      void zombie.then(() => zombies.delete(zombie));
      return { kind: 'error', error: 'the invocation timed out' };
    }
    try {
      const { failed } = await call;
      return failed.length === 0 ? { kind: 'ok' } : { kind: 'partial', failed };
    } catch (error) {
      counters.errors++;
      return { kind: 'error', error: describe(error) };
    }
  };

  /**
   * Delivers one batch until every record of it is done or dead-lettered, or a stop (or a drain's
   * limit) interrupts it; `delivery` holds the parts still to deliver, in shard order.
   */
  const deliver = async (shard: ShardState, batch: readonly IncomingRecord[]): Promise<ShardPoll> => {
    let delivery: readonly BatchPart[] = [{ records: batch, retries: 0 }];
    while (isDelivery(delivery)) {
      if (!mayInvoke()) return 'stopped';
      const outcome = await invoke(shard.shardId, delivery[0]);
      const decision = decideAfterInvocation(delivery, outcome, settings, clock.now());
      switch (decision.kind) {
        case 'delivered':
          if (redeliverShare > 0 && random() < redeliverShare) {
            // Not checkpointed: the records stay at the head of the buffer and start the next batch.
            return 'delivered';
          }
          await settle(shard, decision.done);
          delivery = decision.delivery;
          break;
        case 'bisect':
          log.warn(
            { shardId: shard.shardId, records: delivery[0].records.length, error: decision.error },
            'the function failed: bisecting the batch',
          );
          delivery = decision.delivery;
          break;
        case 'retry':
          await settle(shard, decision.done);
          log.warn(
            {
              shardId: shard.shardId,
              records: decision.delivery[0].records.length,
              retry: decision.delivery[0].retries,
              backoffMs: decision.backoffMs,
              error: decision.error,
            },
            'batch failed: retrying',
          );
          delivery = decision.delivery;
          // No wait when no retry is to follow.
          if (!mayInvoke() || !(await pause(decision.backoffMs))) return 'stopped';
          break;
        case 'deadLetter':
          await settle(shard, decision.done);
          await deadLetter(shard, decision.deadLetter);
          delivery = decision.delivery;
          break;
        default:
          return assertNever(decision);
      }
    }
    return stopping ? 'stopped' : 'delivered';
  };

  const pollNow = async (shard: ShardState): Promise<ShardPoll> => {
    if (stopping) return 'stopped';
    await fill(shard);
    const plan = planBatch(
      { buffer: shard.buffer, windowStartedAt: shard.windowStartedAt, held: held.has(shard.shardId) },
      settings,
      clock.now(),
    );
    switch (plan.kind) {
      case 'idle':
      case 'held':
      case 'gathering':
        return plan.kind;
      case 'deliver':
        return mayInvoke() ? deliver(shard, plan.records) : 'stopped';
      default:
        return assertNever(plan);
    }
  };

  const pollShard = (shard: ShardState): Promise<ShardPoll> => {
    const poll = shard.turn.then(() => pollNow(shard));
    shard.turn = poll.catch(() => undefined);
    return poll;
  };

  const runShard = async (shard: ShardState): Promise<void> => {
    while (!stopping) {
      let poll: ShardPoll;
      try {
        poll = await pollShard(shard);
      } catch (error) {
        // The stream or the checkpoint store failed, not the function: read again after a pause.
        log.error({ shardId: shard.shardId, err: describe(error) }, 'the shard could not be polled');
        poll = 'idle';
      }
      if (poll !== 'delivered') await pause(settings.pollIntervalMs);
    }
  };

  const recordMetrics = (): void => {
    const now = clock.now();
    let pending = 0;
    let lagMs = 0;
    for (const shard of shards) {
      pending += shard.buffer.length;
      const head = shard.buffer[0];
      if (head !== undefined) lagMs = Math.max(lagMs, now - head.arrivedAt);
    }
    metrics.record({ kind: 'streamLag', ms: Math.max(0, lagMs) });
    metrics.record({ kind: 'pendingRecords', count: pending });
  };

  const run = async (): Promise<void> => {
    let all: ShardState[] | null = null;
    while (all === null && !stopping) {
      try {
        all = await open();
      } catch (error) {
        log.error({ err: describe(error) }, 'the shards could not be listed');
        await pause(settings.pollIntervalMs);
      }
    }
    if (all === null) return;
    const tick = async (): Promise<void> => {
      while (await pause(settings.metricsIntervalMs)) recordMetrics();
    };
    await Promise.all([...all.map(runShard), tick()]);
  };

  const pollAll = async (): Promise<ShardPoll[]> => Promise.all((await open()).map(pollShard));

  return {
    pollOnce: pollAll,
    start() {
      running ??= run();
    },
    async stop() {
      stopping = true;
      await running;
    },
    holdShard(shardId) {
      held.add(shardId);
    },
    releaseShard(shardId) {
      held.delete(shardId);
    },
    pending: () => shards.reduce((sum, shard) => sum + shard.buffer.length, 0),
    recordMetrics,
    async settled() {
      while (zombies.size > 0) await Promise.all([...zombies]);
    },
    async drain(maxBatches = 10_000) {
      if (running !== null) throw new Error('drain polls the shards itself: not while the engine is started');
      const before = { ...counters };
      budget = maxBatches;
      try {
        const all = await open();
        let drained = false;
        for (;;) {
          // Shards are independent: start them in a random order so that their work interleaves differently.
          const round = await Promise.all(shuffled(all, random).map(pollShard));
          if (round.every((poll) => poll === 'idle')) {
            drained = true;
            break;
          }
          if (budget <= 0) {
            // One more look, delivering nothing, tells whether the limit came just as the stream emptied.
            drained = (await pollAll()).every((poll) => poll === 'idle');
            break;
          }
          if (round.includes('delivered')) continue;
          if (!round.includes('gathering')) break;
          await clock.sleep(settings.pollIntervalMs);
        }
        return {
          batches: counters.batches - before.batches,
          deliveredRecords: counters.deliveredRecords - before.deliveredRecords,
          errors: counters.errors - before.errors,
          drained,
        };
      } finally {
        budget = Number.POSITIVE_INFINITY;
      }
    },
  };
};
