import type { APIGatewayProxyEventV2WithJWTAuthorizer, KinesisStreamEvent } from 'aws-lambda';
import { kinesisBatchEvent } from '../../src/handlers/kinesis-records.js';

/** JWT claims as API Gateway's JWT authorizer passes them. */
export type Claims = Record<string, string | number | boolean | string[]>;

/** Claims of a caller that is `sub`, with optional scopes in the OAuth 2 `scope` claim. */
export const claimsOf = (sub: string, scopes: readonly string[] = []): Claims => ({
  sub,
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
  aud: 'activity-history',
  exp: '1893456000',
  ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
});

interface HttpEventOptions {
  /** Any method: the functions answer the ones they do not serve with 405. */
  readonly method: string;
  readonly path: string;
  readonly routeKey?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  readonly base64?: boolean;
  /** `null`: no authorizer at all (a route without one, or a misconfiguration). */
  readonly claims?: Claims | null;
  readonly requestId?: string;
}

/**
 * An API Gateway HTTP API (payload format 2.0) event shaped like the AWS documentation's sample,
 * with a JWT authorizer: mixed-case headers as clients send them, the body base64-encoded by
 * default (as API Gateway does for binary media types or when configured).
 */
export const httpApiEvent = (options: HttpEventOptions): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const base64 = text !== undefined && (options.base64 ?? true);
  const query = options.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const requestId = options.requestId ?? `JKJaXmPLvHcESHA=${Math.random().toString(36).slice(2, 10)}`;
  const event = {
    version: '2.0',
    routeKey: options.routeKey ?? `${options.method} ${options.path}`,
    rawPath: options.path,
    rawQueryString,
    cookies: ['session=opaque'],
    headers: {
      Accept: '*/*',
      'Content-Length': String(text?.length ?? 0),
      Host: 'r3pmxmplak.execute-api.us-east-2.amazonaws.com',
      'User-Agent': 'curl/7.72.0',
      'X-Amzn-Trace-Id': 'Root=1-5f84c7a9-0e5b1e1e4a1b2c3d4e5f6a7b',
      'X-Forwarded-For': '192.0.2.1',
      Authorization: 'Bearer eyJraWQiOiJzZWNyZXQtdG9rZW4ifQ.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl',
      ...options.headers,
    },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(options.pathParameters === undefined ? {} : { pathParameters: options.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'r3pmxmplak',
      ...(options.claims === null
        ? {}
        : {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: options.claims ?? claimsOf('u-1'), scopes: null },
            },
          }),
      domainName: 'r3pmxmplak.execute-api.us-east-2.amazonaws.com',
      domainPrefix: 'r3pmxmplak',
      http: {
        method: options.method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'curl/7.72.0',
      },
      requestId,
      routeKey: options.routeKey ?? `${options.method} ${options.path}`,
      stage: '$default',
      time: '12/Oct/2026:21:22:49 +0000',
      timeEpoch: 1_602_537_769_000,
    },
    ...(text === undefined ? {} : { body: base64 ? Buffer.from(text).toString('base64') : text }),
    isBase64Encoded: base64,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
};

/** A `POST /activities` event with a JSON body (base64 unless said otherwise). */
export const postActivities = (
  body: unknown,
  options: Partial<HttpEventOptions> = {},
): APIGatewayProxyEventV2WithJWTAuthorizer =>
  httpApiEvent({
    method: 'POST',
    path: '/activities',
    body,
    headers: { 'Content-Type': 'application/json; charset=UTF-8' },
    ...options,
  });

/** A `GET /users/{userId}/<what>` event. */
export const getUserRoute = (
  what: 'activity' | 'diagnosis',
  userId: string,
  options: Partial<HttpEventOptions> = {},
): APIGatewayProxyEventV2WithJWTAuthorizer =>
  httpApiEvent({
    method: 'GET',
    path: `/users/${encodeURIComponent(userId)}/${what}`,
    routeKey: `GET /users/{userId}/${what}`,
    pathParameters: { userId },
    ...options,
  });

/** A `GET /users/{userId}/events/{eventId}` event. */
export const getEventTrace = (
  userId: string,
  eventId: string,
  options: Partial<HttpEventOptions> = {},
): APIGatewayProxyEventV2WithJWTAuthorizer =>
  httpApiEvent({
    method: 'GET',
    path: `/users/${encodeURIComponent(userId)}/events/${encodeURIComponent(eventId)}`,
    routeKey: 'GET /users/{userId}/events/{eventId}',
    pathParameters: { userId, eventId },
    ...options,
  });

/** The shard the test events come from. */
const TEST_SHARD = 'shardId-000000000000';

/** One record of a Kinesis event. */
export interface KinesisRecordInput {
  readonly data: Uint8Array | string;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** When the stream received it, epoch milliseconds. */
  readonly arrivedAt: number;
}

/**
 * A Kinesis event as Lambda's event source mapping delivers it, from one shard of a test stream:
 * base64 `data`, arrival time in seconds with a fraction.
 */
export const kinesisEvent = (records: readonly KinesisRecordInput[]): KinesisStreamEvent =>
  kinesisBatchEvent(
    records.map((record) => ({
      recordId: record.sequenceNumber,
      shard: TEST_SHARD,
      partitionKey: record.partitionKey,
      data: typeof record.data === 'string' ? Buffer.from(record.data) : record.data,
      arrivedAt: record.arrivedAt,
    })),
    {
      streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/activity-events',
      shardId: TEST_SHARD,
      region: 'us-east-1',
    },
  );
