/**
 * What a handler answers to API Gateway (HTTP API, payload format 2.0). Always a full response
 * object, never a bare body, so API Gateway does not guess the status or the content type.
 */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The contract's error codes, stable like the quarantine reasons: new ones may be added. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_events'
  | 'invalid_parameter'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'too_many_types'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal_error';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * A JSON response.
 *
 * @example
 * ```ts
 * return jsonResponse(200, historyBody(history));
 * ```
 */
export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse => ({ statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });

/**
 * An error response with the contract's body, `{ "error": { "code", "message" }, ...details }`:
 * the details (rejected events, parameter errors) sit beside `error`, never inside it.
 *
 * @example
 * ```ts
 * return errorResponse(415, 'unsupported_media_type', 'send the body as application/json');
 * ```
 */
export const errorResponse = (
  statusCode: number,
  code: ErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): HttpResponse => jsonResponse(statusCode, { error: { code, message }, ...details }, headers);

/**
 * 405 `method_not_allowed` for a known path asked with a method it does not serve, with the
 * `Allow` header HTTP requires, listing the methods it does serve.
 *
 * @example
 * ```ts
 * return methodNotAllowed('PUT', '/activities', ['POST']); // 405, Allow: POST
 * ```
 */
export const methodNotAllowed = (method: string, path: string, allow: readonly string[]): HttpResponse =>
  errorResponse(
    405,
    'method_not_allowed',
    `${method.slice(0, 20)} is not served on ${path.slice(0, 200)}: use ${allow.join(' or ')}`,
    {},
    { allow: allow.join(', ') },
  );
