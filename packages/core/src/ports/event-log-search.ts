/** What a log search looks for: one idempotency key and the correlation ids its arrivals carried. */
export interface EventLogSearchRequest {
  readonly userId: string;
  readonly eventId: string;
  /** The correlation ids of the key's known arrivals (ingest requests), without repeats. */
  readonly correlationIds: readonly string[];
}

/** A log search to run: its text, and a link that opens it in the log backend's console. */
export interface EventLogQuery {
  readonly query: string;
  readonly url: string;
}

/**
 * Where the functions' logs can be searched, for an event trace to say how to find every log line
 * of an event (a deployment's log backend: CloudWatch Logs Insights on AWS). It only writes the
 * search; running it is the operator's, with their own access to the logs.
 *
 * @example
 * ```ts
 * const { query, url } = logs.forEvent({ userId: 'u-1', eventId: 'e-1', correlationIds: ['c-1'] });
 * ```
 */
export interface EventLogSearch {
  forEvent(request: EventLogSearchRequest): EventLogQuery;
}
