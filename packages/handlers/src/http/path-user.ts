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
