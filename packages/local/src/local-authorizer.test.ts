import { matchApiRoute } from '@activity-history/http-gateway';
import { describe, expect, it } from 'vitest';
import { localAuthorizer, localGatewayAuthorizer } from './local-authorizer.js';

describe('localAuthorizer', () => {
  it('grants both scopes to the named subject when no token is configured', () => {
    expect(localAuthorizer(null)(new Map())).toEqual({
      allowed: true,
      jwt: {
        claims: { sub: 'local', iss: 'activity-history-local', scope: 'activity/ingest activity/admin' },
        scopes: ['activity/ingest', 'activity/admin'],
      },
    });
    expect(localAuthorizer(null)(new Map([['x-activity-subject', 'u-7']]))).toMatchObject({
      jwt: { claims: { sub: 'u-7' } },
    });
  });

  it('requires the bearer token when one is configured', () => {
    const authorize = localAuthorizer('t0ken');

    expect(authorize(new Map())).toEqual({ allowed: false });
    expect(authorize(new Map([['authorization', 'Bearer t0ke']]))).toEqual({ allowed: false });
    expect(authorize(new Map([['authorization', 'bearer t0ken']]))).toMatchObject({ allowed: true });
  });
});

describe('localGatewayAuthorizer', () => {
  const health = matchApiRoute('GET', '/health')!;
  const history = matchApiRoute('GET', '/users/u-1/activity')!;

  it('leaves the open routes open and refuses the others without the token, with a 401', async () => {
    const authorize = localGatewayAuthorizer('t0ken');

    expect(await authorize(health, new Map())).toMatchObject({ allowed: true });
    const refused = await authorize(history, new Map());
    expect(refused.allowed).toBe(false);
    expect(refused.allowed ? null : refused.response.statusCode).toBe(401);
    expect(await authorize(history, new Map([['authorization', 'Bearer t0ken']]))).toMatchObject({
      allowed: true,
      jwt: { claims: { sub: 'local' } },
    });
  });
});
