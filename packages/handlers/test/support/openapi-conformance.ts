import type { DiagnosisBody, EventTrace, HealthBody } from '@activity-history/core';
import { expect } from 'vitest';
import { type HttpResponse, openApiDocument } from '../../src/index.js';
import { validate } from './json-schema.js';

type Path =
  | '/activities'
  | '/users/{userId}/activity'
  | '/users/{userId}/diagnosis'
  | '/users/{userId}/events/{eventId}'
  | '/health';
type Route = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} ${Path}`;

const root = openApiDocument as unknown as Record<string, unknown>;

/**
 * Asserts that a real response is one the OpenAPI document describes for the route: its status is
 * listed, its body is JSON that validates against that status's schema, and every header the
 * document declares (such as `Retry-After`) is present. Returns the parsed body.
 *
 * @example
 * ```ts
 * const body = expectDocumented('GET /health', await handlers.diagnose(event));
 * ```
 */
export const expectDocumented = (route: Route, response: HttpResponse): Record<string, unknown> => {
  const [method, path] = route.split(' ') as [string, string];
  const paths = openApiDocument.paths as Record<
    string,
    Record<string, { responses: Record<string, unknown> }>
  >;
  const documented = paths[path]?.[method.toLowerCase()]?.responses[String(response.statusCode)] as
    | {
        content: { 'application/json': { schema: Record<string, unknown> } };
        headers?: Record<string, unknown>;
      }
    | undefined;
  expect(documented, `${route} does not document status ${response.statusCode}`).toBeDefined();
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  const problems = validate(documented!.content['application/json'].schema, body, root);
  expect(problems, `${route} ${response.statusCode} body breaks the document`).toEqual([]);
  for (const header of Object.keys(documented!.headers ?? {})) {
    expect(
      response.headers[header.toLowerCase()],
      `${route} ${response.statusCode} lacks ${header}`,
    ).toBeDefined();
  }
  return body;
};

/**
 * A 200 diagnosis that the OpenAPI document describes, typed as core's `DiagnosisBody`: once it
 * validates against the strict schema, it has that type.
 *
 * @example
 * ```ts
 * const diagnosis = expectDiagnosis(await handlers.diagnose(event));
 * ```
 */
export const expectDiagnosis = (response: HttpResponse): DiagnosisBody => {
  expect(response.statusCode).toBe(200);
  expectDocumented('GET /users/{userId}/diagnosis', response);
  return JSON.parse(response.body);
};

/**
 * A `/health` body that the OpenAPI document describes, typed as core's `HealthBody`.
 *
 * @example
 * ```ts
 * const health = expectHealth(await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health' })));
 * ```
 */
export const expectHealth = (response: HttpResponse): HealthBody => {
  expect(response.statusCode).toBe(200);
  expectDocumented('GET /health', response);
  return JSON.parse(response.body);
};

/**
 * A 200 event trace that the OpenAPI document describes, typed as core's `EventTrace`.
 *
 * @example
 * ```ts
 * const trace = expectEventTrace(await handlers.diagnose(getEventTrace('u-1', 'e-1', { claims })));
 * ```
 */
export const expectEventTrace = (response: HttpResponse): EventTrace => {
  expect(response.statusCode).toBe(200);
  expectDocumented('GET /users/{userId}/events/{eventId}', response);
  return JSON.parse(response.body);
};
