import { timingSafeEqual } from 'node:crypto';
import { ADMIN_SCOPE, INGEST_SCOPE } from '@activity-history/core';
import { errorResponse } from '@activity-history/handlers';
import type { GatewayAuthorizer, GatewayClaims } from '@activity-history/http-gateway';

/** The header naming the subject local mode puts in the claims (default `local`). */
export const SUBJECT_HEADER = 'x-activity-subject';
/** The header narrowing the scopes local mode grants (space-separated; default both). */
export const SCOPES_HEADER = 'x-activity-scopes';
/** The subject of a request that names none. */
export const LOCAL_SUBJECT = 'local';

/** What the local authorizer decided about one request. */
export type LocalAuthorization =
  | { readonly allowed: true; readonly jwt: GatewayClaims }
  | { readonly allowed: false };

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Local mode's stand-in for API Gateway's JWT authorizer. With no `token` it lets every request
 * in, as the subject of the `X-Activity-Subject` header (default `local`) with both scopes
 * (`activity/ingest activity/admin`, or those of an `X-Activity-Scopes` header, to try what a
 * narrower token may do). With a `token`, a request must also carry `Authorization: Bearer <token>`.
 *
 * @example
 * ```ts
 * const authorize = localAuthorizer(process.env.ACTIVITY_LOCAL_TOKEN ?? null);
 * authorize(new Map([['x-activity-subject', 'u-1']])); // { allowed: true, jwt: { claims: { sub: 'u-1', ... } } }
 * ```
 */
export const localAuthorizer =
  (token: string | null) =>
  (headers: ReadonlyMap<string, string>): LocalAuthorization => {
    if (token !== null) {
      const match = /^Bearer\s+(.+)$/i.exec(headers.get('authorization')?.trim() ?? '');
      if (match === null || !sameSecret(match[1]!, token)) return { allowed: false };
    }
    const subject = headers.get(SUBJECT_HEADER)?.trim() || LOCAL_SUBJECT;
    const asked = headers.get(SCOPES_HEADER);
    const scopes =
      asked === undefined ? [INGEST_SCOPE, ADMIN_SCOPE] : asked.split(/[\s,]+/).filter((s) => s !== '');
    return {
      allowed: true,
      jwt: {
        claims: { sub: subject, iss: 'activity-history-local', scope: scopes.join(' ') },
        scopes,
      },
    };
  };

/**
 * Local mode's authorizer as the gateway's hook: {@link localAuthorizer} with the `token`, except on
 * the routes local mode leaves open (`/health`, for the dashboard), which need none; a refusal is
 * a 401 saying which token to send.
 *
 * @example
 * ```ts
 * await startHttpGateway({ functions, authorize: localGatewayAuthorizer(null), pages, host, port, logger });
 * ```
 */
export const localGatewayAuthorizer = (token: string | null): GatewayAuthorizer => {
  const checked = localAuthorizer(token);
  const open = localAuthorizer(null);
  return (route, headers) => {
    const authorization = (route.open ? open : checked)(headers);
    return authorization.allowed
      ? authorization
      : {
          allowed: false,
          response: errorResponse(401, 'unauthorized', 'send Authorization: Bearer <ACTIVITY_LOCAL_TOKEN>'),
        };
  };
};
