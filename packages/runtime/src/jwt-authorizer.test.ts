import { matchApiRoute } from '@activity-history/http-gateway';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { jwtAuthorizer } from './jwt-authorizer.js';

const ISSUER = 'https://auth.example.com/';
const history = matchApiRoute('GET', '/users/u-1/activity')!;
const diagnosis = matchApiRoute('GET', '/users/u-1/diagnosis')!;

let sign: (claims: Record<string, unknown>) => Promise<string>;
let authorize: ReturnType<typeof jwtAuthorizer>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
  authorize = jwtAuthorizer({ issuer: ISSUER, audiences: ['activity'], keys: { kind: 'local', jwks } });
  sign = (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: 'activity', exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(privateKey);
  };
});

const bearer = (token: string) => new Map([['authorization', `Bearer ${token}`]]);
const statusOf = (authorization: Awaited<ReturnType<typeof authorize>>) =>
  authorization.allowed ? 200 : authorization.response.statusCode;

describe('jwtAuthorizer', () => {
  it('passes the claims as API Gateway does: strings, arrays flattened, the scopes beside', async () => {
    const token = await sign({ sub: 'u-1', scp: ['activity/admin', 'openid'], email_verified: true });

    const authorization = await authorize(diagnosis, bearer(token));

    expect(authorization).toMatchObject({
      allowed: true,
      jwt: {
        claims: { sub: 'u-1', scp: '[activity/admin openid]', email_verified: 'true', iss: ISSUER },
        scopes: ['activity/admin', 'openid'],
      },
    });
  });

  it('takes a token whose client_id, not aud, names the API (access tokens of some issuers)', async () => {
    const token = await sign({ sub: 'svc', aud: undefined, client_id: 'activity', scope: 'activity/ingest' });

    expect(statusOf(await authorize(history, bearer(token)))).toBe(200);
  });

  it('refuses with 401 a token that is missing, malformed, of another issuer or audience, expired or without exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      new Map<string, string>(),
      new Map([['authorization', 'Basic dXNlcjpwYXNz']]),
      bearer('not.a.jwt'),
      bearer(await sign({ sub: 'u-1', iss: 'https://elsewhere.example.com/' })),
      bearer(await sign({ sub: 'u-1', aud: 'another-api' })),
      bearer(await sign({ sub: 'u-1', exp: now - 5 })),
      bearer(await sign({ sub: 'u-1', exp: undefined })),
      bearer(await sign({ sub: 'u-1', nbf: now + 600 })),
    ];

    for (const headers of cases) {
      const authorization = await authorize(history, headers);
      expect(statusOf(authorization)).toBe(401);
      expect(authorization.allowed ? null : JSON.parse(authorization.response.body)).toMatchObject({
        error: { code: 'unauthorized' },
      });
    }
  });

  it('refuses with 403 a valid token without the scope the route asks', async () => {
    const token = await sign({ sub: 'u-1', scope: 'activity/ingest' });

    const authorization = await authorize(diagnosis, bearer(token));

    expect(statusOf(authorization)).toBe(403);
    expect(statusOf(await authorize(history, bearer(token)))).toBe(200);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const unreachable = jwtAuthorizer({
      issuer: ISSUER,
      audiences: ['activity'],
      // A port nothing listens on: the fetch is refused at once.
      keys: { kind: 'remote', jwksUrl: new URL('http://127.0.0.1:9/jwks.json') },
    });

    const authorization = await unreachable(history, bearer(await sign({ sub: 'u-1' })));

    expect(statusOf(authorization)).toBe(503);
    expect(authorization.allowed ? null : authorization.response.headers['retry-after']).toBeDefined();
  });
});
