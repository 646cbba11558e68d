import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DayRange, dayRange } from '@activity-history/core';
import { afterEach, describe, expect, it } from 'vitest';
import { httpHistoryApi } from '../src/handlers/http-history-api.js';

const RANGE: DayRange = (() => {
  const range = dayRange(Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1));
  if (!range.ok) throw new Error('bad range');
  return range.value;
})();

const HISTORY = {
  userId: 'u-1',
  granularity: 'total',
  totals: { count: 2, quantity: 3, quantityMicros: '3000000', byType: {} },
  buckets: [],
};

/** A server answering every request with `answer`, recording what it was asked. */
const serve = async (answer: (request: IncomingMessage, response: ServerResponse) => void) => {
  const asked: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    asked.push(request);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

const json = (status: number, body: unknown) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe('httpHistoryApi', () => {
  it("asks GET /users/{userId}/activity at the origin with the operator's own token, and reads the history", async () => {
    // Arrange
    const { origin, asked } = await serve(json(200, HISTORY));
    const api = httpHistoryApi({ origin, authorization: 'Bearer operator-token' });

    // Act
    const answer = await api.readTotals('u 1/x', RANGE);

    // Assert
    expect(answer).toMatchObject({ kind: 'history', body: HISTORY, latencyMs: expect.any(Number) });
    const url = new URL(asked[0]!.url!, origin);
    expect(url.pathname).toBe('/users/u%201%2Fx/activity');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
      granularity: 'total',
    });
    expect(asked[0]!.headers.authorization).toBe('Bearer operator-token');
    expect(api.where).toBe(origin);
  });

  it.each([
    [401, { message: 'Unauthorized' }, '401', 'no error body'],
    [
      403,
      { error: { code: 'forbidden', message: 'activity/admin needed' } },
      '403',
      'forbidden: activity/admin needed',
    ],
    [
      500,
      { error: { code: 'internal_error', message: 'the service failed' } },
      '500',
      'internal_error: the service failed',
    ],
    [200, { hello: 'world' }, '200', 'the body is not a history'],
  ])('reports a %i (%j) as refused, with the status and what it said', async (status, body, _, message) => {
    // Arrange
    const { origin } = await serve(json(status, body));

    // Act
    const answer = await httpHistoryApi({ origin, authorization: null }).readTotals('u-1', RANGE);

    // Assert
    expect(answer).toMatchObject({
      kind: 'refused',
      status,
      message: status === 401 ? expect.any(String) : message,
    });
  });

  it('reports no answer when nothing listens, or when the API does not answer within the timeout', async () => {
    // Arrange
    const closed = await serve(json(200, HISTORY));
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const silent = await serve(() => {});

    // Act
    const refused = await httpHistoryApi({ origin: closed.origin, authorization: null }).readTotals(
      'u-1',
      RANGE,
    );
    const timedOut = await httpHistoryApi({
      origin: silent.origin,
      authorization: null,
      timeoutMs: 200,
    }).readTotals('u-1', RANGE);

    // Assert
    expect(refused).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
    expect(timedOut).toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/timeout|aborted/i),
    });
    expect(timedOut.latencyMs).toBeGreaterThanOrEqual(150);
  });
});
