import { RETRY_AFTER_SECONDS } from '@activity-history/core';
import { callerOfJwt, errorResponse, type HttpResponse } from '@activity-history/handlers';
import type { Authorization, GatewayAuthorizer, GatewayClaims } from '@activity-history/http-gateway';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { JwtSettings } from './runtime-config.js';

const BEARER = /^Bearer\s+([^\s]+)$/i;

const refused = (response: HttpResponse): Authorization => ({ allowed: false, response });

const unauthorized = (why: string) =>
  refused(errorResponse(401, 'unauthorized', `the request needs a valid bearer token: ${why}`));

/**
 * A claim as API Gateway's JWT authorizer hands it to a function: strings as they are, other
 * scalars as their text, arrays flattened to `[a b]` (which the functions read back as scopes).
 */
const gatewayValue = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? `[${value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ')}]`
      : typeof value === 'object' && value !== null
        ? JSON.stringify(value)
        : String(value);

const audienceMatches = (payload: JWTPayload, audiences: readonly string[]): boolean => {
  const named = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  // Access tokens of some issuers (Cognito's) carry client_id instead of aud; API Gateway takes either.
  const clientId = typeof payload.client_id === 'string' ? [payload.client_id] : [];
  return [...named, ...clientId].some((audience) => audiences.includes(audience));
};

/**
 * The runtime's stand-in for API Gateway's JWT authorizer, with its rules: the token comes as
 * `Authorization: Bearer <jwt>`, is signed by a key of the key set, names the issuer, one of the
 * audiences (`aud`, or `client_id`), has an `exp` in the future (and `nbf`, `iat` if present, in
 * the past); otherwise 401. A route that asks for scopes (the diagnosis, the event trace:
 * `activity/admin`) refuses a token carrying none of them with 403. The claims reach the
 * functions as API Gateway passes them, and the caller is read from them by the same code the
 * functions use (`callerOfJwt`), so the scope check here and theirs cannot disagree. A key set
 * that cannot be fetched is the service's fault, not the caller's: 503 with `Retry-After`.
 *
 * @example
 * ```ts
 * const authorize = jwtAuthorizer({ issuer: 'https://auth.example.com/', audiences: ['activity'],
 *   keys: { kind: 'remote', jwksUrl: new URL('https://auth.example.com/.well-known/jwks.json') } });
 * ```
 */
export const jwtAuthorizer = (settings: JwtSettings): GatewayAuthorizer => {
  const keys =
    settings.keys.kind === 'remote'
      ? createRemoteJWKSet(settings.keys.jwksUrl)
      : createLocalJWKSet(settings.keys.jwks);
  return async (route, headers) => {
    const token = BEARER.exec(headers.get('authorization')?.trim() ?? '')?.[1];
    if (token === undefined) return unauthorized('send Authorization: Bearer <JWT>');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: settings.issuer, requiredClaims: ['exp'] }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        return refused(
          errorResponse(
            503,
            'unavailable',
            'the key set that signs tokens cannot be read; retry shortly',
            {},
            {
              'retry-after': String(RETRY_AFTER_SECONDS),
            },
          ),
        );
      }
      return unauthorized(`the token was refused (${error.code})`);
    }
    if (!audienceMatches(payload, settings.audiences)) {
      return unauthorized('the token is not for this API (aud / client_id)');
    }
    const claims = Object.fromEntries(
      Object.entries(payload).map(([name, value]) => [name, gatewayValue(value)]),
    );
    const scopes = [...(callerOfJwt({ claims })?.scopes ?? [])];
    if (route.scopes.length > 0 && !route.scopes.some((scope) => scopes.includes(scope))) {
      return refused(
        errorResponse(
          403,
          'forbidden',
          `this route needs a token with the scope ${route.scopes.join(' or ')}`,
        ),
      );
    }
    const jwt: GatewayClaims = { claims, scopes };
    return { allowed: true, jwt };
  };
};
