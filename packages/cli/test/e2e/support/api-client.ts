/**
 * The end-to-end tests' only way into the pipeline: HTTP requests to its URL, as any client.
 */

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

export const postEvents = async (
  url: string,
  events: readonly unknown[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(`${url}/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ events }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** A tally as the API writes it: `quantityMicros` is the exact sum, a decimal string. */
export interface TallyBody {
  readonly count: number;
  readonly quantity: number;
  readonly quantityMicros: string;
}

export interface Totals extends TallyBody {
  readonly byType: Record<string, TallyBody>;
}

/** The user's totals from two days ago to tomorrow, through `GET /users/{userId}/activity`. */
export const readTotals = async (url: string, userId: string): Promise<Totals> => {
  const query = new URLSearchParams({ from: dayFromToday(-2), to: dayFromToday(1) });
  const response = await fetch(`${url}/users/${encodeURIComponent(userId)}/activity?${query}`);
  if (response.status !== 200) throw new Error(`GET activity answered ${response.status}`);
  return ((await response.json()) as { totals: Totals }).totals;
};

export interface DiagnosisBody {
  readonly verdict: string;
  readonly suspect: string | null;
  readonly checks: readonly { id: string; status: string; summary: string; data: Record<string, unknown> }[];
}

export const readDiagnosis = async (url: string, userId: string): Promise<DiagnosisBody> => {
  const query = new URLSearchParams({ from: dayFromToday(-2), to: dayFromToday(1) });
  const response = await fetch(`${url}/users/${encodeURIComponent(userId)}/diagnosis?${query}`);
  if (response.status !== 200) throw new Error(`GET diagnosis answered ${response.status}`);
  return (await response.json()) as DiagnosisBody;
};

/** The reasons of the user's recently quarantined records, newest first, from the diagnosis. */
export const quarantineReasons = async (url: string, userId: string): Promise<string[]> => {
  const processor = (await readDiagnosis(url, userId)).checks.find((check) => check.id === 'processor');
  const recent = (processor?.data.recentQuarantined ?? []) as { reason: string }[];
  return recent.map((record) => record.reason);
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
