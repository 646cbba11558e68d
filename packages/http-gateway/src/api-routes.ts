import { ADMIN_SCOPE } from '@activity-history/core';

/** The functions behind the HTTP API. */
export type ApiFunction = 'ingest' | 'query' | 'diagnose';

/** An API route as API Gateway's HTTP API defines it. */
export interface ApiRoute {
  readonly routeKey: string;
  readonly target: ApiFunction;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  /**
   * Whether local mode answers it without its token check (`/health`, which its dashboard polls).
   * Behind API Gateway every route has the JWT authorizer; the runtime's authorizer does the same.
   */
  readonly open: boolean;
  /**
   * The scopes of which a token must carry one, as the CDK construct's `authorizationScopes` of the
   * route; empty: any valid token. API Gateway answers 403 for a token without them.
   */
  readonly scopes: readonly string[];
}

const USER_ROUTE = /^\/users\/([^/]+)\/(activity|diagnosis)$/;
const EVENT_ROUTE = /^\/users\/([^/]+)\/events\/([^/]+)$/;

const decoded = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/**
 * The API route of a request, or `null` for none (a 404 at the edge). Path parameters are
 * URL-decoded, as API Gateway passes them; a segment whose escapes are broken yields no parameter,
 * and the function answers for it.
 *
 * @example
 * ```ts
 * matchApiRoute('GET', '/users/u-1/activity'); // { routeKey: 'GET /users/{userId}/activity', target: 'query', ... }
 * ```
 */
export const matchApiRoute = (method: string, rawPath: string): ApiRoute | null => {
  if (method === 'POST' && rawPath === '/activities') {
    return { routeKey: 'POST /activities', target: 'ingest', pathParameters: null, open: false, scopes: [] };
  }
  if (method !== 'GET') return null;
  if (rawPath === '/health') {
    return { routeKey: 'GET /health', target: 'diagnose', pathParameters: null, open: true, scopes: [] };
  }
  const traced = EVENT_ROUTE.exec(rawPath);
  if (traced !== null) {
    const userId = decoded(traced[1]!);
    const eventId = decoded(traced[2]!);
    return {
      routeKey: 'GET /users/{userId}/events/{eventId}',
      target: 'diagnose',
      pathParameters: userId === null || eventId === null ? null : { userId, eventId },
      open: false,
      scopes: [ADMIN_SCOPE],
    };
  }
  const user = USER_ROUTE.exec(rawPath);
  if (user === null) return null;
  const userId = decoded(user[1]!);
  return {
    routeKey: `GET /users/{userId}/${user[2]}`,
    target: user[2] === 'activity' ? 'query' : 'diagnose',
    pathParameters: userId === null ? null : { userId },
    open: false,
    scopes: user[2] === 'activity' ? [] : [ADMIN_SCOPE],
  };
};

/**
 * The methods the API serves on a path, or `[]` for a path it does not know: a known path asked
 * with another method is a 405 listing these in `Allow`, not a 404.
 *
 * @example
 * ```ts
 * apiPathMethods('/activities'); // ['POST']
 * apiPathMethods('/nowhere'); // []
 * ```
 */
export const apiPathMethods = (rawPath: string): readonly string[] => {
  if (rawPath === '/activities') return ['POST'];
  if (rawPath === '/health' || USER_ROUTE.test(rawPath) || EVENT_ROUTE.test(rawPath)) return ['GET'];
  return [];
};
