import type { ActivityEvent } from '../activity-event.js';
import { assertNever } from '../assert-never.js';
import { EventStoreError } from '../errors.js';
import { capFieldErrors } from '../field-error.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { MetricsRecorder } from '../ports/metrics.js';
import { type QuarantinedRecord, type QuarantineReason, truncatePayload } from '../quarantine.js';
import { settleAll } from '../settle-all.js';
import { decodeRecord, type IncomingRecord } from '../stream-record.js';

/**
 * What became of one record of a batch, for the processor's log: who it belongs to and the
 * correlation id it carried from ingest, so one search follows an event end to end.
 */
export interface RecordOutcome {
  readonly recordId: string;
  readonly userId: string;
  readonly eventId: string | null;
  readonly correlationId: string | null;
  readonly outcome: 'stored' | 'duplicate' | 'quarantined' | 'retry';
  /** Why a quarantined record was set aside. */
  readonly reason: QuarantineReason | null;
}

/** What processing a batch did; `retry` lists the records the stream must deliver again. */
export interface BatchReport {
  /** Identifiers of the records that failed for a retryable reason, in batch order. */
  readonly retry: readonly string[];
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: Readonly<Record<QuarantineReason, number>>;
  /** Why the retried records failed, one line per failed store call. */
  readonly failures: readonly string[];
  /** Every record's outcome, in batch order. */
  readonly records: readonly RecordOutcome[];
}

/** What processing needs. */
export interface ProcessDependencies {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly metrics: MetricsRecorder;
}

interface UserWork {
  readonly records: IncomingRecord[];
  readonly events: {
    readonly event: ActivityEvent;
    readonly record: IncomingRecord;
    readonly correlationId: string | null;
  }[];
}

/**
 * Users stored at once: every user of a Kinesis batch of 500 records (the store's client bounds
 * the requests in flight by its sockets); a batch of up to 10,000 goes through in waves, so that
 * its requests are not all queued in memory at once.
 */
const USERS_IN_FLIGHT = 500;

const failureOf = (error: unknown): 'throttled' | 'unavailable' | 'failed' =>
  error instanceof EventStoreError ? error.failure : 'failed';

/**
 * Processes one batch of stream records: decodes and validates each, quarantines what is invalid
 * (never retried), stores the valid events per user, quarantines conflicts, and reports which
 * records must be redelivered because the store failed for them. Users are independent: one
 * user's failure does not hold back another's events; within a user, order is kept.
 *
 * @example
 * ```ts
 * const report = await processBatch(records, dependencies);
 * return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
 * ```
 */
export const processBatch = async (
  records: readonly IncomingRecord[],
  deps: ProcessDependencies,
): Promise<BatchReport> => {
  const now = deps.clock.now();
  const quarantine: { entry: QuarantinedRecord; record: IncomingRecord }[] = [];
  const byUser = new Map<string, UserWork>();
  const oldest = records.reduce((min, record) => Math.min(min, record.arrivedAt), Number.POSITIVE_INFINITY);
  if (Number.isFinite(oldest)) deps.metrics.record({ kind: 'streamLag', ms: Math.max(0, now - oldest) });

  for (const record of records) {
    const decoded = decodeRecord(record, now);
    if (decoded.kind === 'event') {
      const work = byUser.get(decoded.event.userId) ?? { records: [], events: [] };
      work.records.push(record);
      work.events.push({ event: decoded.event, record, correlationId: decoded.correlationId });
      byUser.set(decoded.event.userId, work);
    } else {
      quarantine.push({
        record,
        entry: {
          userId: decoded.userId,
          eventId: decoded.eventId,
          reason: decoded.kind,
          errors: decoded.errors,
          payload: truncatePayload(decoded.text),
          quarantinedAt: now,
          recordId: record.recordId,
          correlationId: decoded.correlationId,
        },
      });
    }
  }

  const retry = new Set<string>();
  const failures: string[] = [];
  const outcomes = new Map<string, RecordOutcome>();
  const settle = (
    record: IncomingRecord,
    facts: Omit<RecordOutcome, 'recordId' | 'outcome' | 'reason'>,
    outcome: RecordOutcome['outcome'],
    reason: QuarantineReason | null = null,
  ) =>
    outcomes.set(record.recordId, {
      recordId: record.recordId,
      userId: facts.userId,
      eventId: facts.eventId,
      correlationId: facts.correlationId,
      outcome,
      reason,
    });
  let stored = 0;
  let duplicates = 0;
  const storeFailed = (error: unknown, failed: readonly IncomingRecord[]) => {
    const failure = failureOf(error);
    deps.metrics.record({ kind: 'storeFailures', failure, count: 1 });
    failures.push(`${failure}: ${error instanceof Error ? error.message : String(error)}`);
    for (const record of failed) retry.add(record.recordId);
  };

  const setAside = (
    record: IncomingRecord,
    event: ActivityEvent,
    correlationId: string | null,
    reason: 'conflict' | 'unstorable',
    message: string,
  ) =>
    quarantine.push({
      record,
      entry: {
        userId: event.userId,
        eventId: event.eventId,
        reason,
        // A store's message is not ours to bound: it is cut like any error that leaves core.
        errors: capFieldErrors([{ path: reason === 'conflict' ? 'eventId' : '', message }]),
        payload: truncatePayload(JSON.stringify(event)),
        quarantinedAt: now,
        recordId: record.recordId,
        correlationId,
      },
    });

  // A batch's users at once, in waves for the largest batches: the critical path is the few
  // dependent steps of one user, not the number of users, and memory stays bounded.
  await settleAll([...byUser.values()], USERS_IN_FLIGHT, async (work) => {
    try {
      const appended = await deps.store.append(
        work.events.map(({ event, record }) => ({
          event,
          position: { shard: record.shard, sequence: record.recordId },
        })),
      );
      if (appended.length !== work.events.length) {
        throw new Error(`the store gave ${appended.length} outcomes for ${work.events.length} events`);
      }
      work.events.forEach(({ event, record, correlationId }, i) => {
        const outcome = appended[i]!;
        const facts = { userId: event.userId, eventId: event.eventId, correlationId };
        switch (outcome.kind) {
          case 'new':
            stored++;
            settle(record, facts, 'stored');
            break;
          case 'duplicate':
            duplicates++;
            settle(record, facts, 'duplicate');
            break;
          case 'conflict':
            setAside(
              record,
              event,
              correlationId,
              'conflict',
              `event ${event.eventId} was stored before with different content; the first version stands`,
            );
            break;
          case 'refused':
            // Set aside only if the quarantine write below succeeds: a store that refuses every
            // write is down, and then the record is retried like any other.
            setAside(
              record,
              event,
              correlationId,
              'unstorable',
              `the store refused this event: ${outcome.message}`,
            );
            break;
          default:
            assertNever(outcome);
        }
      });
    } catch (error) {
      storeFailed(error, work.records);
      for (const { event, record, correlationId } of work.events) {
        settle(record, { userId: event.userId, eventId: event.eventId, correlationId }, 'retry');
      }
    }
  });

  const quarantined: Record<QuarantineReason, number> = {
    invalid_event: 0,
    conflict: 0,
    malformed_record: 0,
    unstorable: 0,
  };
  if (quarantine.length > 0) {
    try {
      await deps.store.quarantine(quarantine.map((q) => q.entry));
      for (const { entry, record } of quarantine) {
        quarantined[entry.reason]++;
        settle(record, entry, 'quarantined', entry.reason);
      }
      for (const [reason, count] of Object.entries(quarantined)) {
        if (count > 0)
          deps.metrics.record({
            kind: 'rejected',
            stage: 'process',
            reason: reason as QuarantineReason,
            count,
          });
      }
    } catch (error) {
      storeFailed(
        error,
        quarantine.map((q) => q.record),
      );
      for (const { entry, record } of quarantine) settle(record, entry, 'retry');
    }
  }
  if (stored > 0) deps.metrics.record({ kind: 'stored', count: stored });
  if (duplicates > 0) deps.metrics.record({ kind: 'duplicates', count: duplicates });
  if (retry.size > 0) deps.metrics.record({ kind: 'retriedRecords', count: retry.size });
  return {
    retry: records.filter((record) => retry.has(record.recordId)).map((record) => record.recordId),
    stored,
    duplicates,
    quarantined,
    failures,
    records: records.flatMap((record) => {
      const outcome = outcomes.get(record.recordId);
      return outcome === undefined ? [] : [outcome];
    }),
  };
};
