import type { PublishOutcome } from '@activity-history/core';
import { JetStreamApiError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
} from '@nats-io/nats-core';

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
};

const isRetryable = (error: unknown): boolean => {
  const cause = error instanceof Error ? error.cause : undefined;
  if (error instanceof TimeoutError || cause instanceof TimeoutError) return true;
  if (
    // What the client makes of "no responders" to a publish: no stream captures the subject.
    (error instanceof Error && error.name === 'JetStreamNotEnabled') ||
    error instanceof NoRespondersError ||
    cause instanceof NoRespondersError ||
    (error instanceof RequestError && error.isNoResponders()) ||
    error instanceof PermissionViolationError ||
    error instanceof ClosedConnectionError ||
    error instanceof DrainingConnectionError ||
    error instanceof JetStreamApiError
  ) {
    return false;
  }
  // Anything else (a dropped socket, a reconnect under way) may pass on the next attempt.
  return true;
};

/**
 * A failed JetStream publish as a refusal. Retryable: a timeout (the ack may simply be late: the
 * retry is deduplicated by its message id if the first one was stored), or a connection that is reconnecting. Not retryable: no stream captures the subject, a permission
 * refused, a closed or draining connection, and the stream's own refusals (limits, a mismatched
 * expectation).
 */
export const refusalOf = (error: unknown): PublishOutcome & { readonly written: false } => ({
  written: false,
  retryable: isRetryable(error),
  reason: describe(error),
});
