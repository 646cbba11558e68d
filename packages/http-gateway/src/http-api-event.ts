import { randomBytes } from 'node:crypto';
import type { HttpApiEvent } from '@activity-history/handlers';
import type { ApiRoute } from './api-routes.js';

/**
 * JWT claims as API Gateway's JWT authorizer passes them to a function
 * (`requestContext.authorizer.jwt`): every claim as a string, and the token's scopes.
 */
export interface GatewayClaims {
  readonly claims: Readonly<Record<string, string>>;
  readonly scopes: readonly string[];
}

/** An HTTP request as it reached the gateway. */
export interface RawRequest {
  readonly method: string;
  /** The request target: path and query string, as sent. */
  readonly url: string;
  /** Header names in lower case; repeated headers as arrays (Node's `IncomingMessage.headers`). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** Media types API Gateway passes as text; anything else arrives base64-encoded. */
const TEXT_MEDIA_TYPE =
  /^(?:text\/[^;]+|application\/(?:[\w.+-]*\+)?(?:json|xml)|application\/(?:javascript|x-www-form-urlencoded))\s*(?:;|$)/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const textOf = (body: Buffer, contentType: string | undefined): string | null => {
  if (contentType === undefined || !TEXT_MEDIA_TYPE.test(contentType.trim())) return null;
  try {
    return strictUtf8.decode(body);
  } catch {
    return null;
  }
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** API Gateway's `requestContext.time`: `12/Mar/2026:19:03:58 +0000`. */
const gatewayTime = (ms: number): string => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
};

/**
 * An id shaped like API Gateway's request ids.
 *
 * @example
 * ```ts
 * gatewayRequestId(); // 'JKJaXmPLvHcESHA='
 * ```
 */
export const gatewayRequestId = (): string => randomBytes(10).toString('base64');

/**
 * The event API Gateway's HTTP API (payload format 2.0, JWT authorizer) would hand the route's
 * function for this request: header names lower-cased and repeated values joined with commas,
 * cookies split out, repeated query parameters joined with commas, the body as text for textual
 * media types and base64 otherwise, and the authorizer's claims.
 *
 * @example
 * ```ts
 * const event = httpApiEventOf(request, route, { claims: { sub: 'local' }, scopes: [] }, { requestId, now: Date.now(), host });
 * const response = await handlers.query(event);
 * ```
 */
export const httpApiEventOf = (
  request: RawRequest,
  route: ApiRoute,
  jwt: GatewayClaims,
  context: { readonly requestId: string; readonly now: number; readonly host: string },
): HttpApiEvent => {
  const target = new URL(request.url, 'http://local.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(',');
  }
  // As API Gateway adds it: how the caller reached the gateway (local mode speaks plain HTTP).
  headers['x-forwarded-proto'] = 'http';
  const cookieHeader = request.headers.cookie;
  const cookies = (typeof cookieHeader === 'string' ? [cookieHeader] : (cookieHeader ?? []))
    .flatMap((line) => line.split(';'))
    .map((cookie) => cookie.trim())
    .filter((cookie) => cookie !== '');
  const query: Record<string, string> = {};
  for (const [name, value] of target.searchParams) {
    query[name] = name in query ? `${query[name]},${value}` : value;
  }
  const text = request.body.byteLength === 0 ? null : textOf(request.body, headers['content-type']);
  const event = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: target.pathname,
    rawQueryString: target.search.replace(/^\?/, ''),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(route.pathParameters === null ? {} : { pathParameters: route.pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: { principalId: '', integrationLatency: 0, jwt },
      domainName: context.host,
      domainPrefix: context.host.split('.')[0] ?? context.host,
      http: {
        method: request.method,
        path: target.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: gatewayTime(context.now),
      timeEpoch: context.now,
    },
    ...(request.body.byteLength === 0
      ? { isBase64Encoded: false }
      : { body: text ?? request.body.toString('base64'), isBase64Encoded: text === null }),
  };
  return event as HttpApiEvent;
};
