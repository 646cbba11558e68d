import { unjudgedHealthReport } from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/index.js';
import { validate } from './support/json-schema.js';

const root = openApiDocument as unknown as Record<string, unknown>;
const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the five routes of the contract and a JWT security scheme', () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    expect(Object.keys(openApiDocument.paths).sort()).toEqual([
      '/activities',
      '/health',
      '/users/{userId}/activity',
      '/users/{userId}/diagnosis',
      '/users/{userId}/events/{eventId}',
    ]);
    expect(openApiDocument.components.securitySchemes.jwt.bearerFormat).toBe('JWT');
    expect(openApiDocument.paths['/users/{userId}/diagnosis'].get.security).toEqual([
      { jwt: ['activity/admin'] },
    ]);
    expect(openApiDocument.paths['/users/{userId}/events/{eventId}'].get.security).toEqual([
      { jwt: ['activity/admin'] },
    ]);
  });

  it('documents every status of POST /activities the contract names', () => {
    expect(Object.keys(openApiDocument.paths['/activities'].post.responses).sort()).toEqual(
      ['202', '400', '401', '403', '413', '415', '500', '503'].sort(),
    );
  });

  it('resolves every $ref it holds', () => {
    const refs = JSON.stringify(openApiDocument).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const name = ref.slice(1, -1).split('/').pop()!;
      expect(openApiDocument.components.schemas, ref).toHaveProperty(name);
    }
  });

  it('describes the event as the contract does: unknown fields and out-of-range values fail', () => {
    const event = { eventId: 'e-1', userId: 'u-1', type: 'track.played', occurredAt: '2026-03-01T12:00:00Z' };
    expect(validate(schema('IngestRequest'), event, root)).toEqual([]);
    expect(validate(schema('IngestRequest'), { events: [event, { ...event, quantity: 2 }] }, root)).toEqual(
      [],
    );
    expect(validate(schema('ActivityEvent'), { ...event, quantiy: 2 }, root)).not.toEqual([]);
    expect(validate(schema('ActivityEvent'), { ...event, quantity: 0 }, root)).not.toEqual([]);
    expect(validate(schema('ActivityEvent'), { ...event, userId: 'a#b' }, root)).not.toEqual([]);
    expect(validate(schema('IngestRequest'), { events: [] }, root)).not.toEqual([]);
  });

  it('describes error bodies as { error: { code, message } } with details beside it', () => {
    const body = {
      error: { code: 'invalid_parameter', message: 'from must be a date' },
      errors: [{ path: 'from', message: 'x' }],
    };
    expect(validate(schema('ParameterError'), body, root)).toEqual([]);
    expect(validate(schema('Error'), { error: { code: 'Bad Code', message: 'x' } }, root)).not.toEqual([]);
    expect(validate(schema('Error'), { code: 'x', message: 'y' }, root)).not.toEqual([]);
  });

  it("describes /health's degraded body, and refuses a field core's types do not hold", () => {
    const degraded = unjudgedHealthReport(Date.UTC(2026, 0, 1), 60_000);
    expect(validate(schema('HealthBody'), degraded, root)).toEqual([]);
    expect(validate(schema('HealthBody'), { ...degraded, stages: {} }, root)).not.toEqual([]);
    expect(validate(schema('UnjudgedHealthReport'), { ...degraded, extra: 1 }, root)).not.toEqual([]);
  });
});
