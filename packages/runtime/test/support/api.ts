/** A small client of the contract's HTTP API, for the runtime's tests. */

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const answer = async (response: Response): Promise<Answer> => ({
  status: response.status,
  body: (await response.json()) as Record<string, unknown>,
});

export const postEvents = async (
  url: string,
  token: string | null,
  events: readonly object[],
): Promise<Answer> =>
  answer(
    await fetch(`${url}/activities`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ events }),
    }),
  );

export const get = async (url: string, path: string, token: string | null): Promise<Answer> =>
  answer(
    await fetch(`${url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } }),
  );

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** The user's totals over yesterday and today, as the API answers them. */
export const totalsOf = async (
  url: string,
  token: string,
  userId: string,
): Promise<{ count: number; quantityMicros: string }> => {
  const history = await get(url, `/users/${userId}/activity?from=${yesterday()}&to=${tomorrow()}`, token);
  if (history.status !== 200)
    throw new Error(`history answered ${history.status}: ${JSON.stringify(history.body)}`);
  return history.body.totals as { count: number; quantityMicros: string };
};

/** `count` events of a user, happened a minute ago, each of quantity 2. */
export const eventsOf = (userId: string, count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => ({
    eventId: `${tag}-${i}`,
    userId,
    type: 'track.played',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    quantity: 2,
  }));
