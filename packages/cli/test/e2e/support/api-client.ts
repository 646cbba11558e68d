/**
 * The end-to-end tests' only way into the pipeline: HTTP requests to its URL through the CLI's
 * client (`src/api-client.ts`), as any client; here only what the tests add to it.
 */
import type { DiagnosisBody, EventTrace, SummaryBody } from '@activity-history/core';
import {
  type ApiTarget,
  errorMessage,
  type IngestAnswer,
  postActivities,
  readDiagnosis as readDiagnosisAnswer,
  readEventTrace,
  readHistory,
} from '../../../src/api-client.js';

/** An activity event as a client sends it. */
export interface ClientEvent {
  readonly eventId: string;
  readonly userId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly quantity?: number;
  readonly attributes?: Record<string, string | number | boolean>;
}

/** A UTC day `offset` days from today, as `YYYY-MM-DD`. */
export const dayFromToday = (offset: number): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Yesterday at `time` UTC: safely in the past, and inside the window of {@link readTotals}. */
export const yesterdayAt = (time = '10:00:00'): string => `${dayFromToday(-1)}T${time}Z`;

/** From two days ago to tomorrow: the window of {@link readTotals} and {@link readDiagnosis}. */
const recentDays = () => ({ from: dayFromToday(-2), to: dayFromToday(1) });

const target = (url: string, headers: Record<string, string> = {}): ApiTarget => ({
  url,
  token: null,
  headers,
});

/** `POST /activities`; `headers` act as the caller (a bearer token, local mode's subject and scopes). */
export const postEvents = (
  url: string,
  events: readonly unknown[],
  headers: Record<string, string> = {},
): Promise<IngestAnswer> => postActivities(target(url, headers), events);

/** The user's totals from two days ago to tomorrow, through `GET /users/{userId}/activity`. */
export const readTotals = async (url: string, userId: string): Promise<SummaryBody> => {
  const response = await readHistory(target(url), userId, recentDays());
  if (!response.ok) throw new Error(`GET activity answered ${errorMessage(response)}`);
  return response.body.totals;
};

/** The user's diagnosis from two days ago to tomorrow. */
export const readDiagnosis = async (url: string, userId: string): Promise<DiagnosisBody> => {
  const response = await readDiagnosisAnswer(target(url), userId, recentDays());
  if (!response.ok) throw new Error(`GET diagnosis answered ${errorMessage(response)}`);
  return response.body;
};

/** The trace of one event, through `GET /users/{userId}/events/{eventId}`. */
export const readTrace = async (url: string, userId: string, eventId: string): Promise<EventTrace> => {
  const response = await readEventTrace(target(url), userId, eventId);
  if (!response.ok) throw new Error(`GET event trace answered ${errorMessage(response)}`);
  return response.body;
};

/** The reasons of the user's recently quarantined records, newest first, from the diagnosis. */
export const quarantineReasons = async (url: string, userId: string): Promise<string[]> => {
  const processor = (await readDiagnosis(url, userId)).checks.find((check) => check.id === 'processor');
  return (processor?.data.recentQuarantined ?? []).map((record) => record.reason);
};

/** `count` valid events of one user, `<prefix>-<n>`, each `track.played` with quantity 2. */
export const eventsOf = (userId: string, count: number, prefix = 'e'): ClientEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    userId,
    type: 'track.played',
    occurredAt: yesterdayAt(),
    quantity: 2,
  }));
