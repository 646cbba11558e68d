import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../src/doctor-command.js';
import { captured } from './support/captured-output.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server === null ? resolve(null) : server.close(resolve)));
  server = null;
});

/** An API answering every request with `status`. */
const apiAnswering = async (status: number): Promise<string> => {
  server = createServer((_, response) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no' }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe('pnpm run doctor when the diagnosis itself is refused', () => {
  it.each([
    [401, "suspect: the API's authorizer"],
    [403, 'suspect: the token: it lacks the scope activity/admin'],
    [502, 'suspect: the diagnose function, or the API in front of it'],
  ])('names who is to blame for a %i, and exits 2', async (status, suspect) => {
    // Arrange
    const url = await apiAnswering(status);
    const err = captured();

    // Act
    const code = await runDoctor(['u-1', '--url', url], { out: captured(), err }, {});

    // Assert
    expect(code).toBe(2);
    expect(err.text()).toContain(`${url} answered HTTP ${status}`);
    expect(err.text()).toContain(suspect);
  });

  it('names the API itself when its endpoint does not answer', async () => {
    const err = captured();

    const code = await runDoctor(['u-1', '--url', 'http://127.0.0.1:9'], { out: captured(), err }, {});

    expect(code).toBe(2);
    expect(err.text()).toContain('suspect: the API itself: its endpoint does not answer');
  });
});
