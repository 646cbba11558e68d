import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type Claims, claimsOf, httpApiEvent } from './support/aws-events.js';
import { memoryPipeline } from './support/memory-pipeline.js';
import { expectDocumented } from './support/openapi-conformance.js';

const validEvent = fc.record({
  eventId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  userId: fc.constantFrom('u-1', 'u-2'),
  type: fc.constantFrom('track.played', 'page.read'),
  occurredAt: fc.constantFrom('2026-03-01T10:00:00Z', '2026-03-02T11:00:00+02:00'),
});

/** Bodies from garbage to nearly valid: random text, random JSON, events, batches of events. */
const bodyArbitrary = fc.oneof(
  fc.string(),
  fc.json(),
  fc.anything().map((value) => JSON.stringify(value) ?? 'undefined'),
  validEvent.map((e) => JSON.stringify(e)),
  fc
    .array(fc.oneof(validEvent, fc.anything()), { maxLength: 5 })
    .map((events) => JSON.stringify({ events }) ?? '{}'),
);

const contentTypeArbitrary = fc.oneof(
  fc.constantFrom('application/json', 'APPLICATION/JSON; charset=utf-8', 'text/plain', ''),
  fc.string(),
);

const headersArbitrary = fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), {
  maxKeys: 5,
});

const queryArbitrary = fc.dictionary(
  fc.oneof(fc.constantFrom('from', 'to', 'granularity', 'type'), fc.string({ maxLength: 10 })),
  fc.oneof(
    fc.constantFrom('2026-01-01', '2026-03-03T00:00:00Z', 'day', 'week', 'total', 'track.played'),
    fc.string({ maxLength: 30 }),
  ),
  { maxKeys: 4 },
);

const claimsArbitrary: fc.Arbitrary<Claims | null> = fc.oneof(
  fc.constant(null),
  fc.constant({}),
  fc
    .tuple(
      fc.oneof(fc.constantFrom('u-1', 'u-2'), fc.string()),
      fc.subarray(['activity/ingest', 'activity/admin']),
    )
    .map(([sub, scopes]) => claimsOf(sub, scopes)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.array(fc.string()))),
);

const userIdArbitrary = fc.oneof(fc.constantFrom('u-1', 'u-2'), fc.string({ maxLength: 140 }));

describe('the HTTP edge under random input', () => {
  const { handlers } = memoryPipeline();

  test.prop([bodyArbitrary, fc.boolean(), contentTypeArbitrary, headersArbitrary, claimsArbitrary], {
    numRuns: 200,
  })(
    'POST /activities never answers 5xx and always answers what the document describes',
    async (body, base64, type, headers, claims) => {
      const response = await handlers.ingest(
        httpApiEvent({
          method: 'POST',
          path: '/activities',
          body,
          base64,
          headers: { ...headers, 'Content-Type': type },
          claims,
        }),
      );
      expect(response.statusCode).toBeLessThan(500);
      expectDocumented('POST /activities', response);
    },
  );

  test.prop([userIdArbitrary, queryArbitrary, claimsArbitrary, headersArbitrary], { numRuns: 200 })(
    'GET /users/{userId}/activity and /diagnosis never answer 5xx and always answer what the document describes',
    async (userId, query, claims, headers) => {
      for (const what of ['activity', 'diagnosis'] as const) {
        const event = httpApiEvent({
          method: 'GET',
          path: `/users/${encodeURIComponent(userId)}/${what}`,
          routeKey: `GET /users/{userId}/${what}`,
          pathParameters: { userId },
          query,
          headers,
          claims,
        });
        const response = await (what === 'activity' ? handlers.query(event) : handlers.diagnose(event));
        expect(response.statusCode).toBeLessThan(500);
        expectDocumented(`GET /users/{userId}/${what}`, response);
      }
    },
  );

  test.prop([fc.anything()], { numRuns: 100 })(
    'an event of any shape is answered, never thrown',
    async (event) => {
      for (const handler of [handlers.ingest, handlers.query, handlers.diagnose]) {
        const response = await handler(event as never);
        expect(response.statusCode).toBeLessThan(500);
      }
    },
  );
});
