import { describe, expect, it } from 'vitest';
import { callerOf, MAX_BODY_BYTES, readHttpRequest, readJsonBody } from '../src/index.js';
import { claimsOf, httpApiEvent, postActivities } from './support/aws-events.js';

const bodyOf = (event: unknown) => readJsonBody(readHttpRequest(event));

describe('readHttpRequest', () => {
  it('reads header names in any case as lower case', () => {
    const request = readHttpRequest(postActivities({}, { headers: { 'CONTENT-type': 'application/json' } }));
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('user-agent')).toBe('curl/7.72.0');
  });

  it("reads the API's own origin: https behind API Gateway, the stage unless $default, none without a domain", () => {
    const event = httpApiEvent({ method: 'GET', path: '/health' });
    const staged = { ...event, requestContext: { ...event.requestContext, stage: 'prod' } };
    const proxied = httpApiEvent({
      method: 'GET',
      path: '/health',
      headers: { 'X-Forwarded-Proto': 'http' },
    });
    const bare = { ...event, requestContext: { ...event.requestContext, domainName: '' } };

    expect(readHttpRequest(event).origin).toBe('https://r3pmxmplak.execute-api.us-east-2.amazonaws.com');
    expect(readHttpRequest(staged).origin).toBe(
      'https://r3pmxmplak.execute-api.us-east-2.amazonaws.com/prod',
    );
    expect(readHttpRequest(proxied).origin).toBe('http://r3pmxmplak.execute-api.us-east-2.amazonaws.com');
    expect(readHttpRequest(bare).origin).toBeNull();
  });

  it('joins a header sent under two casings, as API Gateway joins repeated headers', () => {
    const request = readHttpRequest(
      httpApiEvent({ method: 'GET', path: '/health', headers: { 'x-a': '1', 'X-A': '2' } }),
    );
    expect(request.headers.get('x-a')).toBe('1,2');
  });

  it('treats every field of the wrong type as absent instead of throwing', () => {
    for (const event of [
      null,
      42,
      'text',
      [],
      { headers: 7, requestContext: 'x', body: 1, queryStringParameters: [] },
    ]) {
      const request = readHttpRequest(event);
      expect(request.caller).toBeNull();
      expect(request.body).toBeNull();
      expect(request.headers.size).toBe(0);
    }
  });
});

describe('callerOf', () => {
  const withJwt = (jwt: unknown) => ({ requestContext: { authorizer: { jwt } } });

  it('takes the subject from sub and scopes from the space-separated scope claim', () => {
    const caller = callerOf(
      withJwt({ claims: claimsOf('u-1', ['activity/ingest', 'openid']), scopes: null }),
    );
    expect(caller?.subject).toBe('u-1');
    expect([...(caller?.scopes ?? [])].sort()).toEqual(['activity/ingest', 'openid']);
  });

  it('reads scp as an array, as the flattened "[a b]" string API Gateway makes of it, and jwt.scopes', () => {
    expect(
      callerOf(withJwt({ claims: { sub: 'a', scp: ['activity/admin'] } }))?.scopes.has('activity/admin'),
    ).toBe(true);
    expect(
      callerOf(withJwt({ claims: { sub: 'a', scp: '[activity/admin x]' } }))?.scopes.has('activity/admin'),
    ).toBe(true);
    expect(
      callerOf(withJwt({ claims: { sub: 'a' }, scopes: ['activity/ingest'] }))?.scopes.has('activity/ingest'),
    ).toBe(true);
  });

  it('fails closed: no authorizer, no claims, or claims naming neither subject nor scope give no caller', () => {
    expect(callerOf({ requestContext: {} })).toBeNull();
    expect(callerOf(withJwt({ claims: {} }))).toBeNull();
    expect(callerOf(withJwt({ claims: { sub: '' } }))).toBeNull();
  });

  it('keeps a machine caller that has scopes but no subject', () => {
    const caller = callerOf(withJwt({ claims: { scope: 'activity/ingest' } }));
    expect(caller).toEqual({ subject: null, scopes: new Set(['activity/ingest']) });
  });
});

describe('readJsonBody', () => {
  it('decodes base64 bodies and plain ones alike', () => {
    const value = { eventId: 'e-1', note: 'é' };
    expect(bodyOf(postActivities(value, { base64: true }))).toEqual({ ok: true, value });
    expect(bodyOf(postActivities(value, { base64: false }))).toEqual({ ok: true, value });
  });

  it('accepts application/json with a utf-8 charset in any case, and refuses other media types with 415', () => {
    for (const type of [
      'application/json',
      'Application/JSON; charset=UTF-8',
      'application/json;charset="utf-8"',
    ]) {
      expect(bodyOf(postActivities({}, { headers: { 'Content-Type': type } })).ok).toBe(true);
    }
    for (const type of ['text/plain', 'application/jsonx', 'application/json; charset=latin1', '']) {
      const result = bodyOf(postActivities({}, { headers: { 'Content-Type': type } }));
      expect(result.ok ? 0 : result.error.statusCode).toBe(415);
    }
    const missing = bodyOf(httpApiEvent({ method: 'POST', path: '/activities', body: '{}' }));
    expect(missing.ok ? 0 : missing.error.statusCode).toBe(415);
  });

  it('refuses a body over 1 MiB with 413 before parsing it, even when it is not JSON', () => {
    const over = bodyOf(postActivities('x'.repeat(MAX_BODY_BYTES + 1)));
    expect(over.ok ? 0 : over.error.statusCode).toBe(413);
    const exactly = bodyOf(postActivities(`"${'x'.repeat(MAX_BODY_BYTES - 2)}"`));
    expect(exactly.ok).toBe(true);
  });

  it('answers 400 invalid_json for text that is not JSON, an empty body, or bytes that are not UTF-8', () => {
    const invalidUtf8 = { ...postActivities('{}'), body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64') };
    for (const event of [postActivities('{"a":'), postActivities(''), invalidUtf8]) {
      const result = bodyOf(event);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.statusCode).toBe(400);
        expect(JSON.parse(result.error.body).error.code).toBe('invalid_json');
      }
    }
  });
});
