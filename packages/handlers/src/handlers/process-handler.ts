import { type BatchReport, type Clock, type EventStore, processBatch } from '@activity-history/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import {
  closeInvocation,
  errorFields,
  type InvocationContext,
  type ObservabilityDependencies,
} from '../observability/invocation.js';
import type { Logger } from '../observability/logger.js';
import { incomingRecords } from './kinesis-records.js';

/** What the process function needs. */
export interface ProcessHandlerDependencies extends ObservabilityDependencies {
  readonly store: EventStore;
  readonly clock: Clock;
}

/** A Lambda handler for Kinesis events, answering with a partial batch response. */
export type ProcessHandler = (
  event: KinesisStreamEvent,
  context?: InvocationContext,
) => Promise<KinesisStreamBatchResponse>;

/**
 * One warning per quarantined or retried record, with its reason but never its payload. The
 * batch's summary line carries the correlation ids the batch's events brought from ingest, so a
 * search for one finds the request and its processing; a line per user would cost hundreds of
 * log lines a batch, and log volume is billed.
 */
const logSetAside = (log: Logger, report: BatchReport): void => {
  for (const r of report.records) {
    if (r.outcome !== 'quarantined' && r.outcome !== 'retry') continue;
    log.warn(
      {
        userId: r.userId,
        recordId: r.recordId,
        eventId: r.eventId,
        correlationId: r.correlationId,
        reason: r.reason,
      },
      r.outcome === 'retry' ? 'record handed back for redelivery' : 'record quarantined',
    );
  }
};

const correlationIdsOf = (report: BatchReport): string[] => [
  ...new Set(report.records.flatMap((r) => (r.correlationId === null ? [] : [r.correlationId]))),
];

/**
 * The process function: a Kinesis batch in, `{ batchItemFailures }` out, listing only the records
 * that failed for a retryable reason (the store throttled or unavailable). Poison records (not
 * JSON, not an event, oversize, a conflict) are quarantined by core's `processBatch` and never
 * returned: Lambda would redeliver them forever. When it returns, the counters of what it stored
 * are up to date.
 *
 * Why not `@aws-lambda-powertools/batch`: its processors call a handler per record and collect
 * per-record failures. Here the unit of work is a user's events within the batch (one idempotent
 * append per user, in stream order, so a counter takes its events in one write, not one per
 * record), and which records failed is decided by core for the whole group. A per-record handler
 * would either re-group the batch behind the library's back or give up the per-user write; the
 * partial batch response itself is one line below.
 *
 * An unexpected fault (a bug, not an outage) is rethrown after being logged and counted, so Lambda
 * retries the whole batch and, with bisect-on-error, isolates the record that triggers it.
 *
 * @example
 * ```ts
 * export const handler = createProcessHandler({ store, clock: systemClock, metrics, logger });
 * ```
 */
export const createProcessHandler =
  (deps: ProcessHandlerDependencies): ProcessHandler =>
  async (event, context) => {
    const startedAt = performance.now();
    const log = deps.logger.child({ stage: 'process', lambdaRequestId: context?.awsRequestId ?? null });
    const records = incomingRecords(event);
    let report: BatchReport;
    try {
      report = await processBatch(records, deps);
    } catch (error) {
      log.error({ err: errorFields(error), records: records.length }, 'the batch failed');
      await closeInvocation(deps, log, { stage: 'process', outcome: 'error', startedAt });
      throw error;
    }
    logSetAside(log, report);
    const durationMs = await closeInvocation(deps, log, {
      stage: 'process',
      outcome: report.retry.length > 0 ? 'error' : 'ok',
      startedAt,
    });
    log.info(
      {
        records: records.length,
        stored: report.stored,
        duplicates: report.duplicates,
        quarantined: report.quarantined,
        retried: report.retry.length,
        failures: report.failures,
        users: new Set(report.records.map((r) => r.userId)).size,
        correlationIds: correlationIdsOf(report),
        durationMs,
      },
      'batch processed',
    );
    return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
  };
