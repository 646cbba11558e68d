import { describe, expect, it } from 'vitest';
import { apiPathMethods, matchApiRoute } from './api-routes.js';

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
      scopes: ['activity/admin'],
    });
  });

  it('asks the admin scope of the diagnosis and the event trace only, as the deployed routes do', () => {
    expect(matchApiRoute('GET', '/users/u-1/diagnosis')?.scopes).toEqual(['activity/admin']);
    expect(matchApiRoute('GET', '/users/u-1/events/e-1')?.scopes).toEqual(['activity/admin']);
    expect(matchApiRoute('GET', '/users/u-1/activity')?.scopes).toEqual([]);
    expect(matchApiRoute('POST', '/activities')?.scopes).toEqual([]);
    expect(matchApiRoute('GET', '/health')?.scopes).toEqual([]);
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
