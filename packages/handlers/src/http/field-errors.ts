import type { FieldError } from '@activity-history/core';
import { errorResponse, type HttpResponse } from './http-response.js';

/**
 * 400 `invalid_parameter`: the message names every bad parameter, and `errors` lists them as
 * `{ path, message }` so a client can point at the field.
 *
 * @example
 * ```ts
 * return invalidParameters([{ path: 'from', message: 'from must be a date' }]);
 * ```
 */
export const invalidParameters = (errors: readonly FieldError[]): HttpResponse =>
  errorResponse(400, 'invalid_parameter', errors.map((e) => e.message).join('; '), { errors });

/** The error when the path names no user. */
export const MISSING_USER: readonly FieldError[] = [
  { path: 'userId', message: 'userId is missing from the path /users/{userId}/...' },
];
