import type { HttpRequest } from './http-request.js';

const USER_PATH = /\/users\/([^/]+)\/[a-z]+\/?$/;

/**
 * The `{userId}` of a `/users/{userId}/...` route: API Gateway's decoded path parameter, or the
 * raw path when an event has none (a `$default` route). `null` when neither names a user or the
 * path's escapes are broken.
 *
 * @example
 * ```ts
 * pathUserId(request); // 'u-1' for /users/u-1/activity
 * ```
 */
export const pathUserId = (request: HttpRequest): string | null => {
  const fromParameters = request.pathParameters.userId;
  if (fromParameters !== undefined) return fromParameters;
  const match = USER_PATH.exec(request.rawPath);
  if (match === null) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
};

const EVENT_PATH = /\/users\/([^/]+)\/events\/([^/]+)\/?$/;

/**
 * The `{userId}` and `{eventId}` of `/users/{userId}/events/{eventId}`: API Gateway's decoded path
 * parameters, or the raw path when an event has none. `null` when the path names no event or its
 * escapes are broken.
 *
 * @example
 * ```ts
 * pathEventKey(request); // { userId: 'u-1', eventId: 'e-1' } for /users/u-1/events/e-1
 * ```
 */
export const pathEventKey = (request: HttpRequest): { userId: string; eventId: string } | null => {
  const { userId, eventId } = request.pathParameters;
  if (userId !== undefined && eventId !== undefined) return { userId, eventId };
  const match = EVENT_PATH.exec(request.rawPath);
  if (match === null) return null;
  try {
    return { userId: decodeURIComponent(match[1]!), eventId: decodeURIComponent(match[2]!) };
  } catch {
    return null;
  }
};

/**
 * Whether a request is for an event trace: its route key, or (a `$default` route) its path.
 *
 * @example
 * ```ts
 * isEventTraceRoute(request); // true for GET /users/u-1/events/e-1
 * ```
 */
export const isEventTraceRoute = (request: HttpRequest): boolean =>
  request.routeKey === 'GET /users/{userId}/events/{eventId}' || EVENT_PATH.test(request.rawPath);
