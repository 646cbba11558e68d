import type { ActivityHistoryBody } from '@activity-history/core';
import { formatInstant, type HistoryApi, type HistoryApiAnswer, isJsonObject } from '@activity-history/core';

/** How long the diagnosis waits for the API: well inside API Gateway's 30 s integration limit. */
const TIMEOUT_MS = 5_000;

const errorText = (text: string): string | null => {
  try {
    const body: unknown = JSON.parse(text);
    if (isJsonObject(body) && isJsonObject(body.error) && typeof body.error.message === 'string') {
      return `${String(body.error.code ?? 'error')}: ${body.error.message}`;
    }
  } catch {
    // Not JSON (a gateway's HTML page, an empty body): the status says enough.
  }
  return null;
};

/** Whether a 200 body is a history: what the check reads of it, at least. */
const isHistory = (body: unknown): body is ActivityHistoryBody =>
  isJsonObject(body) &&
  isJsonObject(body.totals) &&
  typeof body.totals.count === 'number' &&
  typeof body.totals.quantityMicros === 'string' &&
  Array.isArray(body.buckets);

/**
 * The deployed query API, asked over HTTP the way users ask it: `GET /users/{userId}/activity`
 * at `origin` (the API's own domain, from the diagnose request), with the operator's own
 * `Authorization` header, so a broken route, authorizer or query function shows in the `api`
 * check. Every outcome is an answer: the history, a non-history status, or no answer within 5 s.
 *
 * @example
 * ```ts
 * const api = httpHistoryApi({ origin: 'https://abc123.execute-api.eu-west-1.amazonaws.com', authorization: 'Bearer eyJ...' });
 * const answer = await api.readTotals('u-1', range);
 * ```
 */
export const httpHistoryApi = (options: {
  readonly origin: string;
  readonly authorization: string | null;
  readonly timeoutMs?: number;
}): HistoryApi => ({
  where: options.origin,
  readTotals: async (userId, range): Promise<HistoryApiAnswer> => {
    const query = new URLSearchParams({
      from: formatInstant(range.from),
      to: formatInstant(range.to),
      granularity: 'total',
    });
    const url = `${options.origin}/users/${encodeURIComponent(userId)}/activity?${query}`;
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    try {
      const response = await fetch(url, {
        headers: options.authorization === null ? {} : { authorization: options.authorization },
        signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
      });
      const text = await response.text();
      const latencyMs = elapsed();
      if (response.status !== 200) {
        return {
          kind: 'refused',
          status: response.status,
          message: errorText(text) ?? (response.statusText || 'no error body'),
          latencyMs,
        };
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      return isHistory(body)
        ? { kind: 'history', body, latencyMs }
        : { kind: 'refused', status: 200, message: 'the body is not a history', latencyMs };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        kind: 'unreachable',
        message: `${error instanceof Error ? error.message : String(error)}${cause}`,
        latencyMs: elapsed(),
      };
    }
  },
});
