import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/** A token issuer for tests: an RSA key, its key set served over HTTP, and tokens it signs. */
export interface TokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Where the key set is served: `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  readonly jwksUrl: string;
  readonly jwks: { readonly keys: readonly JWK[] };
  /** A token for `subject` with `scope` (space-separated), valid for an hour unless `claims` say otherwise. */
  sign(subject: string, scope: string, claims?: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

export const ISSUER = 'https://auth.test.invalid/';
export const AUDIENCE = 'activity-history';

/**
 * Starts an issuer whose key set is served by a real HTTP server on 127.0.0.1, as an identity
 * provider's JWKS endpoint would be.
 */
export const startTokenIssuer = async (): Promise<TokenIssuer> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const jwks = { keys: [jwk] };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    jwks,
    sign: (subject, scope, claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      // The given claims come last: a test overrides exp or aud to make a token invalid.
      return new SignJWT({
        sub: subject,
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now,
        exp: now + 3_600,
        scope,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
