import type { StreamEnvelope } from '../stream-record.js';

/**
 * What became of one record handed to the stream. A refused record was not written; `retryable`
 * says whether trying again can succeed (throttling, a transient fault) or not (access denied, a
 * missing stream).
 */
export type PublishOutcome =
  | { readonly written: true }
  | { readonly written: false; readonly retryable: boolean; readonly reason: string };

/**
 * The event stream: publishes envelopes, partitioned by `userId`, and says per envelope whether it
 * was durably written. It never throws for a refusal or an outage: those are outcomes, so that one
 * refused record never hides the fate of the others.
 *
 * @example
 * ```ts
 * const outcomes = await stream.publish(envelopes);
 * const refused = envelopes.filter((_, i) => !outcomes[i]?.written);
 * ```
 */
export interface EventStream {
  /** One outcome per envelope, in the same order. */
  publish(envelopes: readonly StreamEnvelope[]): Promise<readonly PublishOutcome[]>;
}
