import { parseActivityEvent } from '../activity-event.js';
import { formatInstant } from '../activity-history.js';
import type { FieldError } from '../field-error.js';
import { isJsonObject } from '../json-object.js';
import type { Clock } from '../ports/clock.js';
import type { EventStream } from '../ports/event-stream.js';
import type { MetricsRecorder } from '../ports/metrics.js';
import type { StreamEnvelope } from '../stream-record.js';
import { type Caller, INGEST_SCOPE, mayActFor } from './caller.js';
import { publishWithRetry, type RetryPolicy } from './publish-with-retry.js';

/**
 * How long a caller waits before resending after an outage, in seconds: short, because resending
 * is always safe and most outages (throttling, a failover) pass in about a second.
 *
 * @example
 * ```ts
 * headers['retry-after'] = String(RETRY_AFTER_SECONDS);
 * ```
 */
export const RETRY_AFTER_SECONDS = 1;

/** The most events one request may carry. */
export const MAX_EVENTS_PER_REQUEST = 500;

/** An event written to the stream. */
export interface AcceptedItem {
  readonly index: number;
  readonly eventId: string;
}

/** An event that breaks the schema, with every broken rule. */
export interface RejectedItem {
  readonly index: number;
  readonly eventId: string | null;
  readonly errors: readonly FieldError[];
}

/** A valid event the stream did not take, even after retries. */
export interface FailedItem {
  readonly index: number;
  readonly eventId: string;
}

/**
 * The outcome of an ingest request, one variant per HTTP answer of the contract:
 * `accepted` 202, `bad_request` 400, `forbidden` 403, `unavailable` 503.
 */
export type IngestResult =
  | {
      readonly kind: 'accepted';
      readonly accepted: readonly AcceptedItem[];
      readonly rejected: readonly RejectedItem[];
    }
  | {
      readonly kind: 'bad_request';
      readonly code: 'invalid_body' | 'invalid_events';
      readonly message: string;
      readonly rejected: readonly RejectedItem[];
    }
  | { readonly kind: 'forbidden'; readonly message: string }
  | {
      readonly kind: 'unavailable';
      readonly message: string;
      readonly accepted: readonly AcceptedItem[];
      readonly failed: readonly FailedItem[];
      readonly rejected: readonly RejectedItem[];
      readonly retryAfterSeconds: number;
    };

/** What ingest needs. */
export interface IngestDependencies {
  readonly stream: EventStream;
  readonly clock: Clock;
  readonly metrics: MetricsRecorder;
  readonly retryPolicy: RetryPolicy;
}

/** One ingest request: the parsed JSON body, who sends it, and the id that follows it downstream. */
export interface IngestRequest {
  readonly body: unknown;
  readonly caller: Caller;
  readonly correlationId: string;
}

const badBody = (message: string): IngestResult => ({
  kind: 'bad_request',
  code: 'invalid_body',
  message,
  rejected: [],
});

const itemsOf = (body: unknown): readonly unknown[] | IngestResult => {
  if (!isJsonObject(body))
    return badBody('the body must be a JSON object: one event, or { "events": [...] }');
  if (!('events' in body)) return [body];
  const extra = Object.keys(body).filter((key) => key !== 'events');
  if (extra.length > 0)
    return badBody(`a batch takes only the field "events"; remove ${extra.map((k) => `"${k}"`).join(', ')}`);
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
    return badBody(`events must be an array of 1 to ${MAX_EVENTS_PER_REQUEST} events`);
  }
  return events;
};

/**
 * Validates the events of a request, checks the caller may write them, and publishes the valid
 * ones to the stream, retrying refused records. Ingest does not consult the store: a resent event
 * is accepted again and counted once downstream.
 *
 * @example
 * ```ts
 * const result = await ingest({ body, caller, correlationId: requestId }, dependencies);
 * if (result.kind === 'accepted') return { statusCode: 202, body: JSON.stringify(result) };
 * ```
 */
export const ingest = async (request: IngestRequest, deps: IngestDependencies): Promise<IngestResult> => {
  const items = itemsOf(request.body);
  if (!Array.isArray(items)) return items as IngestResult;
  const now = deps.clock.now();
  const foreign = items.some(
    (item) =>
      isJsonObject(item) &&
      typeof item.userId === 'string' &&
      !mayActFor(request.caller, item.userId, INGEST_SCOPE),
  );
  if (foreign) {
    return {
      kind: 'forbidden',
      message: `this caller may only write its own events; writing for other users needs the scope ${INGEST_SCOPE}`,
    };
  }
  const rejected: RejectedItem[] = [];
  const valid: { index: number; envelope: StreamEnvelope }[] = [];
  const receivedAt = formatInstant(now);
  items.forEach((item, index) => {
    const parsed = parseActivityEvent(item, { now });
    if (parsed.ok) {
      valid.push({
        index,
        envelope: { v: 1, event: parsed.value, correlationId: request.correlationId, receivedAt },
      });
    } else {
      const eventId =
        isJsonObject(item) && typeof item.eventId === 'string' ? item.eventId.slice(0, 64) : null;
      rejected.push({ index, eventId, errors: parsed.error });
    }
  });
  if (rejected.length > 0) {
    deps.metrics.record({
      kind: 'rejected',
      stage: 'ingest',
      reason: 'invalid_event',
      count: rejected.length,
    });
  }
  if (valid.length === 0) {
    return {
      kind: 'bad_request',
      code: 'invalid_events',
      message: 'no event in the request is valid',
      rejected,
    };
  }
  const report = await publishWithRetry(
    deps.stream,
    valid.map((v) => v.envelope),
    deps.clock,
    deps.retryPolicy,
  );
  const accepted: AcceptedItem[] = [];
  const failed: FailedItem[] = [];
  valid.forEach(({ index, envelope }, i) => {
    const item = { index, eventId: envelope.event.eventId };
    (report.outcomes[i]?.written ? accepted : failed).push(item);
  });
  if (report.retriedRecords > 0) {
    deps.metrics.record({ kind: 'streamWriteFailures', final: false, count: report.retriedRecords });
  }
  if (accepted.length > 0) deps.metrics.record({ kind: 'accepted', count: accepted.length });
  if (failed.length === 0) return { kind: 'accepted', accepted, rejected };
  deps.metrics.record({ kind: 'streamWriteFailures', final: true, count: failed.length });
  return {
    kind: 'unavailable',
    message: `the stream did not take ${failed.length} event(s) after retries; resending the whole request is safe`,
    accepted,
    failed,
    rejected,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  };
};
