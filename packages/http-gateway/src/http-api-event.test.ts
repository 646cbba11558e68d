import { readHttpRequest } from '@activity-history/handlers';
import { describe, expect, it } from 'vitest';
import { matchApiRoute } from './api-routes.js';
import { httpApiEventOf, type RawRequest } from './http-api-event.js';

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
