import { readHttpRequest } from '@activity-history/handlers';
import { describe, expect, it } from 'vitest';
import { apiPathMethods, httpApiEventOf, matchApiRoute, type RawRequest } from './api-gateway-event.js';
import { localAuthorizer } from './local-authorizer.js';

const jwt = { claims: { sub: 'u-1', scope: 'activity/admin' }, scopes: ['activity/admin'] };
const context = { requestId: 'req-1', now: Date.parse('2026-03-12T19:03:58Z'), host: '127.0.0.1:3000' };

const request = (overrides: Partial<RawRequest>): RawRequest => ({
  method: 'GET',
  url: '/health',
  headers: {},
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  ...overrides,
});

describe('matchApiRoute', () => {
  it('maps the contract routes to their functions', () => {
    expect(matchApiRoute('POST', '/activities')).toMatchObject({
      target: 'ingest',
      routeKey: 'POST /activities',
    });
    expect(matchApiRoute('GET', '/users/u%3A1/activity')).toMatchObject({
      target: 'query',
      routeKey: 'GET /users/{userId}/activity',
      pathParameters: { userId: 'u:1' },
    });
    expect(matchApiRoute('GET', '/users/u-1/diagnosis')).toMatchObject({ target: 'diagnose', open: false });
    expect(matchApiRoute('GET', '/health')).toMatchObject({ target: 'diagnose', open: true });
    expect(matchApiRoute('GET', '/users/u%40x.io/events/e-1')).toEqual({
      target: 'diagnose',
      routeKey: 'GET /users/{userId}/events/{eventId}',
      pathParameters: { userId: 'u@x.io', eventId: 'e-1' },
      open: false,
    });
  });

  it('matches nothing else', () => {
    for (const [method, path] of [
      ['GET', '/activities'],
      ['POST', '/health'],
      ['GET', '/users//activity'],
      ['GET', '/users/a/b/activity'],
      ['DELETE', '/users/u-1/activity'],
      ['GET', '/users/u-1/events'],
      ['GET', '/users/u-1/events/e-1/more'],
      ['POST', '/users/u-1/events/e-1'],
    ] as const) {
      expect(matchApiRoute(method, path)).toBeNull();
    }
  });

  it('passes no path parameter for broken escapes', () => {
    expect(matchApiRoute('GET', '/users/%E0%A4%A/activity')).toMatchObject({ pathParameters: null });
    expect(matchApiRoute('GET', '/users/u-1/events/%E0%A4%A')).toMatchObject({ pathParameters: null });
  });
});

describe('apiPathMethods', () => {
  it('lists the methods of each known path, and none for an unknown one', () => {
    expect(apiPathMethods('/activities')).toEqual(['POST']);
    expect(apiPathMethods('/users/u-1/activity')).toEqual(['GET']);
    expect(apiPathMethods('/users/u-1/diagnosis')).toEqual(['GET']);
    expect(apiPathMethods('/health')).toEqual(['GET']);
    expect(apiPathMethods('/users/u-1/events/e-1')).toEqual(['GET']);
    expect(apiPathMethods('/users/u-1/everything')).toEqual([]);
    expect(apiPathMethods('/activities/1')).toEqual([]);
  });
});

describe('httpApiEventOf', () => {
  it('builds a payload-2.0 event the handlers read back exactly', () => {
    const route = matchApiRoute('GET', '/users/u-1/activity')!;
    const event = httpApiEventOf(
      request({
        url: '/users/u-1/activity?type=a&type=b&from=2026-01-01',
        headers: { 'user-agent': 'curl/8', cookie: 'a=1; b=2', 'x-trace': ['one', 'two'] },
      }),
      route,
      jwt,
      context,
    );

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /users/{userId}/activity',
      rawPath: '/users/u-1/activity',
      rawQueryString: 'type=a&type=b&from=2026-01-01',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { type: 'a,b', from: '2026-01-01' },
      pathParameters: { userId: 'u-1' },
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        http: { method: 'GET', path: '/users/u-1/activity', userAgent: 'curl/8' },
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: context.now,
        authorizer: { jwt },
      },
    });
    expect(event.headers).toEqual({
      'user-agent': 'curl/8',
      'x-trace': 'one,two',
      'x-forwarded-proto': 'http',
    });
    const read = readHttpRequest(event);
    expect(read.origin).toBe(`http://${context.host}`);
    expect(read.caller).toEqual({ subject: 'u-1', scopes: new Set(['activity/admin']) });
    expect(read.query).toEqual({ type: 'a,b', from: '2026-01-01' });
  });

  it('passes JSON as text and anything else, or broken UTF-8, as base64', () => {
    const route = matchApiRoute('POST', '/activities')!;
    const post = (contentType: string, body: Buffer) =>
      httpApiEventOf(
        request({ method: 'POST', url: '/activities', headers: { 'content-type': contentType }, body }),
        route,
        jwt,
        context,
      );

    expect(post('application/json; charset=utf-8', Buffer.from('{"a":"é"}'))).toMatchObject({
      body: '{"a":"é"}',
      isBase64Encoded: false,
    });
    expect(post('application/octet-stream', Buffer.from([1, 2]))).toMatchObject({
      body: 'AQI=',
      isBase64Encoded: true,
    });
    expect(post('application/json', Buffer.from([0xff, 0xfe]))).toMatchObject({
      body: '//4=',
      isBase64Encoded: true,
    });
  });
});

describe('localAuthorizer', () => {
  it('grants both scopes to the named subject when no token is configured', () => {
    expect(localAuthorizer(null)(new Map())).toEqual({
      allowed: true,
      jwt: {
        claims: { sub: 'local', iss: 'activity-history-local', scope: 'activity/ingest activity/admin' },
        scopes: ['activity/ingest', 'activity/admin'],
      },
    });
    expect(localAuthorizer(null)(new Map([['x-activity-subject', 'u-7']]))).toMatchObject({
      jwt: { claims: { sub: 'u-7' } },
    });
  });

  it('requires the bearer token when one is configured', () => {
    const authorize = localAuthorizer('t0ken');

    expect(authorize(new Map())).toEqual({ allowed: false });
    expect(authorize(new Map([['authorization', 'Bearer t0ke']]))).toEqual({ allowed: false });
    expect(authorize(new Map([['authorization', 'bearer t0ken']]))).toMatchObject({ allowed: true });
  });
});
