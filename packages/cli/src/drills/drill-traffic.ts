import { fromQuantityMicros, toQuantityMicros } from '@activity-history/core';

/** An activity event as a drill sends it. */
export interface DrillEvent {
  readonly eventId: string;
  readonly userId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly quantity: number;
}

/** What the API must show for a user: the distinct accepted events. */
export interface ModelTotals {
  readonly count: number;
  readonly quantity: number;
}

const TYPES = ['track.played', 'page.read', 'episode.watched'];

/**
 * `count` valid events of one user, `<prefix>-<n>`, spread over the last hour, of three types,
 * with quantities in quarters (exact in binary, so a sum is exact too).
 *
 * @example
 * ```ts
 * drillEvents('drill-user', 20, 'base', Date.now()); // 20 events, base-0 .. base-19
 * ```
 */
export const drillEvents = (userId: string, count: number, prefix: string, now: number): DrillEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    userId,
    type: TYPES[i % TYPES.length]!,
    // Within the last hour, never in the future: valid whatever the server's clock says.
    occurredAt: new Date(now - 60_000 - ((i * 97_000) % 3_000_000)).toISOString(),
    quantity: 1 + (i % 7) / 4,
  }));

/** The model of what the pipeline must count: the first accepted version of each event key. */
export interface AcceptedModel {
  /** Notes an event the API accepted; a later version under the same key changes nothing. */
  accept(event: DrillEvent): void;
  totals(userId: string): ModelTotals;
  users(): readonly string[];
}

/**
 * A naive model of exact counting, kept apart from the pipeline's own code: a map of accepted
 * events by (`userId`, `eventId`), the first version standing.
 *
 * @example
 * ```ts
 * const model = createAcceptedModel();
 * model.accept(event);
 * model.totals(event.userId); // { count: 1, quantity: event.quantity }
 * ```
 */
export const createAcceptedModel = (): AcceptedModel => {
  const byUser = new Map<string, Map<string, DrillEvent>>();
  return {
    accept(event) {
      const events = byUser.get(event.userId) ?? new Map<string, DrillEvent>();
      byUser.set(event.userId, events);
      if (!events.has(event.eventId)) events.set(event.eventId, event);
    },
    totals(userId) {
      const events = [...(byUser.get(userId)?.values() ?? [])];
      const micros = events.reduce((sum, event) => sum + toQuantityMicros(event.quantity), 0n);
      return { count: events.length, quantity: fromQuantityMicros(micros) };
    },
    users: () => [...byUser.keys()],
  };
};
