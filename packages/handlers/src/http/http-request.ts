import type { Caller, Result } from '@activity-history/core';
import { err, isJsonObject, ok } from '@activity-history/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { errorResponse, type HttpResponse } from './http-response.js';

/** The event API Gateway (HTTP API, payload format 2.0, JWT authorizer) hands to a function. */
export type HttpApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** The largest request body taken, in bytes (after base64 decoding): 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * An HTTP API event read into what the handlers need. Every field is read defensively: a field of
 * the wrong type is treated as absent, so no event shape can make the edge throw.
 */
export interface HttpRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly routeKey: string;
  /** Header names in lower case (HTTP names are case-insensitive; clients send any case). */
  readonly headers: ReadonlyMap<string, string>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  /**
   * API Gateway's id of the request (`requestContext.requestId`, not the Lambda invocation's
   * `awsRequestId`): the correlation id that follows an event downstream, and the `requestId` a
   * 5xx body quotes.
   */
  readonly gatewayRequestId: string | null;
  /** Who calls, from the authorizer's claims; `null` when there are none. */
  readonly caller: Caller | null;
  /**
   * The API's own base URL, as the caller reached it (`X-Forwarded-Proto`, `requestContext.domainName`,
   * and the stage unless it is `$default`): where the diagnosis asks the API itself. `null` when the
   * event names no domain.
   */
  readonly origin: string | null;
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

type Fields = Readonly<Record<string, unknown>>;

const fieldsOf = (value: unknown): Fields => (isJsonObject(value) ? value : {});

const stringOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const stringRecord = (value: unknown): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(fieldsOf(value)).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;

/**
 * Scopes as JWT authorizers deliver them: a space-separated `scope` claim (OAuth 2), an `scp`
 * claim as an array or a string, which API Gateway flattens to `"[a b]"`, or `jwt.scopes`.
 */
const scopesOf = (claims: Fields, jwtScopes: unknown): Set<string> => {
  const scopes = new Set<string>();
  const addText = (text: string) => {
    for (const scope of text.replace(/^\[|\]$/g, '').split(/[\s,]+/)) if (scope !== '') scopes.add(scope);
  };
  for (const source of [claims.scope, claims.scp, jwtScopes]) {
    if (typeof source === 'string') addText(source);
    else if (Array.isArray(source)) for (const item of source) if (typeof item === 'string') addText(item);
  }
  return scopes;
};

/**
 * The caller named by a JWT authorizer's output (`{ claims, scopes }`, as API Gateway puts it in
 * `requestContext.authorizer.jwt`): the `sub` claim is the subject, the scopes come from `scope`,
 * `scp` and `scopes`. `null` when it names neither a subject nor a scope. An authorizer of another
 * runtime decides with this what the functions will make of its claims.
 *
 * @example
 * ```ts
 * callerOfJwt({ claims: { sub: 'u-1', scope: 'activity/ingest' } }); // { subject: 'u-1', scopes: Set { 'activity/ingest' } }
 * ```
 */
export const callerOfJwt = (jwt: unknown): Caller | null => {
  const fields = fieldsOf(jwt);
  const claims = fieldsOf(fields.claims);
  const sub = claims.sub;
  const subject = typeof sub === 'string' && sub !== '' ? sub : typeof sub === 'number' ? String(sub) : null;
  const scopes = scopesOf(claims, fields.scopes);
  return subject === null && scopes.size === 0 ? null : { subject, scopes };
};

/**
 * The caller as the authorizer established it, or `null` when the event carries no claims naming
 * a subject or a scope: handlers fail closed on `null`.
 *
 * @example
 * ```ts
 * callerOf(event); // { subject: 'u-1', scopes: Set { 'activity/ingest' } }
 * ```
 */
export const callerOf = (event: unknown): Caller | null =>
  callerOfJwt(fieldsOf(fieldsOf(fieldsOf(event).requestContext).authorizer).jwt);

/** The API's base URL from the event: see {@link HttpRequest.origin}. */
const originOf = (headers: ReadonlyMap<string, string>, context: Fields): string | null => {
  const domain = stringOf(context.domainName);
  if (domain === null || domain === '') return null;
  // Behind API Gateway the caller spoke HTTPS; a proxy or local mode says otherwise.
  const scheme = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'https';
  const stage = stringOf(context.stage);
  return `${scheme}://${domain}${stage === null || stage === '$default' ? '' : `/${stage}`}`;
};

/**
 * Reads an HTTP API event. Never throws, whatever the event holds.
 *
 * @example
 * ```ts
 * const request = readHttpRequest(event);
 * request.headers.get('content-type');
 * ```
 */
export const readHttpRequest = (event: unknown): HttpRequest => {
  const fields = fieldsOf(event);
  const context = fieldsOf(fields.requestContext);
  const http = fieldsOf(context.http);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(fieldsOf(fields.headers))) {
    // API Gateway joins repeated headers with commas; do the same if a client sent two casings.
    if (typeof value === 'string') {
      const key = name.toLowerCase();
      const seen = headers.get(key);
      headers.set(key, seen === undefined ? value : `${seen},${value}`);
    }
  }
  return {
    method: (stringOf(http.method) ?? '').toUpperCase(),
    rawPath: stringOf(fields.rawPath) ?? stringOf(http.path) ?? '',
    routeKey: stringOf(fields.routeKey) ?? '',
    headers,
    query: stringRecord(fields.queryStringParameters),
    pathParameters: stringRecord(fields.pathParameters),
    gatewayRequestId: stringOf(context.requestId),
    caller: callerOf(event),
    origin: originOf(headers, context),
    body: stringOf(fields.body),
    isBase64Encoded: fields.isBase64Encoded === true,
  };
};

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request's JSON body, or the contract's answer when there is none to take: 415 unless the
 * content type is `application/json` (a UTF-8 charset allowed), 413 over {@link MAX_BODY_BYTES}
 * (checked on the bytes, before any parsing), 400 `invalid_json` when the bytes are not UTF-8 JSON.
 *
 * @example
 * ```ts
 * const body = readJsonBody(request);
 * if (!body.ok) return body.error;
 * ```
 */
export const readJsonBody = (request: HttpRequest): Result<unknown, HttpResponse> => {
  const contentType = request.headers.get('content-type');
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType.trim())) {
    return err(
      errorResponse(
        415,
        'unsupported_media_type',
        'send the body as Content-Type: application/json (charset utf-8 if any)',
      ),
    );
  }
  const bytes = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) {
    return err(
      errorResponse(
        413,
        'payload_too_large',
        `the body is ${bytes.byteLength} bytes, more than ${MAX_BODY_BYTES}: send fewer events per request`,
      ),
    );
  }
  try {
    return ok(JSON.parse(utf8.decode(bytes)));
  } catch {
    return err(errorResponse(400, 'invalid_json', 'the body is not valid UTF-8 JSON'));
  }
};
