import { createLogger, type HttpHandler, jsonResponse } from '@activity-history/handlers';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiRoute } from './api-routes.js';
import {
  type GatewayAuthorizer,
  type HttpGateway,
  type HttpGatewayOptions,
  startHttpGateway,
} from './http-gateway.js';

/** A function that answers with the claims and the domain it was given, to see what reached it. */
const echo: HttpHandler = async (event) =>
  jsonResponse(200, {
    claims: event.requestContext.authorizer.jwt.claims,
    domainName: event.requestContext.domainName,
  });

const functions = { ingest: echo, query: echo, diagnose: echo };
const logger = createLogger({ level: 'silent' });

const start = (authorize: GatewayAuthorizer, options: Partial<HttpGatewayOptions> = {}) =>
  startHttpGateway({
    functions,
    authorize,
    pages: new Map(),
    host: '127.0.0.1',
    port: 0,
    logger,
    ...options,
  });

describe('startHttpGateway', () => {
  let gateway: HttpGateway | null = null;
  afterEach(async () => {
    await gateway?.close();
    gateway = null;
  });

  it('hands each request with its route to the authorizer and answers its refusal as it is', async () => {
    const seen: ApiRoute[] = [];
    const authorize: GatewayAuthorizer = (route, headers) => {
      seen.push(route);
      return headers.get('authorization') === 'Bearer ok'
        ? { allowed: true, jwt: { claims: { sub: 'u-1' }, scopes: [] } }
        : { allowed: false, response: jsonResponse(403, { error: { code: 'forbidden', message: 'no' } }) };
    };
    gateway = await startHttpGateway({
      functions,
      authorize,
      pages: new Map(),
      host: '127.0.0.1',
      port: 0,
      logger,
    });

    const refused = await fetch(`${gateway.url}/users/u-1/diagnosis`);
    const allowed = await fetch(`${gateway.url}/users/u-1/activity`, {
      headers: { authorization: 'Bearer ok' },
    });

    expect(refused.status).toBe(403);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ claims: { sub: 'u-1' } });
    expect(seen.map((route) => route.routeKey)).toEqual([
      'GET /users/{userId}/diagnosis',
      'GET /users/{userId}/activity',
    ]);
  });

  it('serves pages without the authorizer, and answers 404 and 405 at the edge', async () => {
    const authorize: GatewayAuthorizer = () => {
      throw new Error('pages and unknown routes must not reach the authorizer');
    };
    gateway = await start(authorize, {
      pages: new Map([['/livez', () => jsonResponse(200, { alive: true })]]),
    });

    expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/nowhere`)).status).toBe(404);
    const put = await fetch(`${gateway.url}/activities`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
  });

  it('shows the functions its own address as the domain when self-addressed', async () => {
    const authorize: GatewayAuthorizer = () => ({
      allowed: true,
      jwt: { claims: { sub: 'u-1' }, scopes: [] },
    });
    gateway = await start(authorize, { selfAddressed: true });

    const response = await fetch(`${gateway.url}/users/u-1/activity`, {
      headers: { host: 'api.example.com' },
    });

    expect(await response.json()).toMatchObject({ domainName: `127.0.0.1:${gateway.port}` });
  });
});
