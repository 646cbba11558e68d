import {
  ADMIN_SCOPE,
  CHECK_IDS,
  type CheckId,
  GRANULARITIES,
  HISTORY_PARAMETER_NAMES,
  INGEST_SCOPE,
  MAX_ATTRIBUTES,
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_ERROR_PATH_LENGTH,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_REQUEST,
  MAX_FIELD_ERRORS,
  MAX_TYPES_PER_HISTORY,
  MIN_QUANTITY,
  QUARANTINE_REASONS,
  USER_ID_PATTERN,
} from '@activity-history/core';
import { MAX_BODY_BYTES } from './http-request.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string, headers?: object) => ({
  description,
  ...(headers === undefined ? {} : { headers }),
  content: { 'application/json': { schema } },
});
const error = (description: string) => json(ref('Error'), description);
const instant = { type: 'string', format: 'date-time' };
const day = {
  type: 'string',
  description: 'A UTC day: `YYYY-MM-DD` or a timestamp at 00:00:00Z',
  examples: ['2026-01-01'],
};
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before resending', schema: { type: 'string' } },
};
const EVENT_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const userIdParameter = {
  name: 'userId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: USER_ID_PATTERN.source },
};
const rangeParameters = [
  {
    name: 'from',
    in: 'query',
    description: 'Inclusive; default: start of the current UTC year',
    schema: day,
  },
  {
    name: 'to',
    in: 'query',
    description: 'Exclusive; default: now rounded up to the next UTC day',
    schema: day,
  },
];
const common = {
  '401': error('No verified token claims (handlers fail closed)'),
  '500': error('An internal fault; logged, never a client mistake'),
};
const tallyProperties = {
  count: { type: 'integer', minimum: 0 },
  quantity: {
    type: 'number',
    minimum: 0,
    description: 'The summed quantity as a JSON number: exact while it fits a double',
  },
  quantityMicros: {
    type: 'string',
    pattern: '^[0-9]+$',
    description: 'The exact summed quantity in millionths, as a decimal string (no upper bound)',
    examples: ['2500000'],
  },
};
const tally = {
  type: 'object',
  required: ['count', 'quantity', 'quantityMicros'],
  additionalProperties: false,
  properties: tallyProperties,
};
const summary = {
  type: 'object',
  required: ['count', 'quantity', 'quantityMicros', 'byType'],
  properties: {
    ...tallyProperties,
    byType: { type: 'object', additionalProperties: ref('Tally') },
  },
};
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/**
 * The other methods of a path: each answers 405 with `Allow`. Described as operations so that
 * clients and the handler tests can look the status up like any other. The functions answer 405
 * before looking at the token; on AWS the gateway's authorizer still runs first (401).
 */
const otherMethods = (served: readonly (typeof HTTP_METHODS)[number][]) => {
  const allow = served.map((m) => m.toUpperCase()).join(', ');
  return Object.fromEntries(
    HTTP_METHODS.filter((m) => !served.includes(m)).map((m) => [
      m,
      {
        summary: `Not served: 405, Allow: ${allow}`,
        responses: {
          '401': common['401'],
          '405': json(ref('Error'), `\`method_not_allowed\`: this path takes ${allow} only`, {
            Allow: { description: 'The methods the path serves', schema: { type: 'string', enum: [allow] } },
          }),
        },
      },
    ]),
  );
};
const itemIndex = { type: 'integer', minimum: 0 };

// The diagnosis and health bodies, one schema per type of core's `DiagnosisCheck` and
// `HealthBody`; strict (`additionalProperties: false`) so a field added in core without its
// schema fails the handler tests that validate real responses.
type ObjectSchema = {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, object>>;
};
const strict = (properties: Record<string, object>, optional: readonly string[] = []): ObjectSchema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});
/** Both objects' properties: `A & B` for two strict schemas. */
const both = (a: ObjectSchema, b: ObjectSchema): ObjectSchema => ({
  type: 'object',
  additionalProperties: false,
  required: [...a.required, ...b.required],
  properties: { ...a.properties, ...b.properties },
});
const count = { type: 'integer', minimum: 0 };
const countOrNull = { type: ['integer', 'null'], minimum: 0 };
const msOrNull = { type: ['number', 'null'], minimum: 0 };
const stageFigures = { invocations: count, errors: count, p50Ms: msOrNull, p95Ms: msOrNull };
const unreadable = strict({ error: { type: 'string', description: 'Why the check could not be judged' } });
const orUnreadable = (schema: ObjectSchema) => ({ oneOf: [schema, unreadable] });
const storeRequests = strict({ throttled: count, unavailable: count, failed: count });
const ingestData = strict({
  ...stageFigures,
  accepted: count,
  streamWriteFailures: count,
  streamWriteRetries: count,
});
const streamData = strict({
  latestLagMs: msOrNull,
  maxLagMs: msOrNull,
  pendingRecords: countOrNull,
  retriedRecords: count,
});
const processorData = strict({
  ...stageFigures,
  stored: count,
  duplicates: count,
  rejections: strict(Object.fromEntries(QUARANTINE_REASONS.map((reason) => [reason, count]))),
  rejectionShare: { type: 'number', minimum: 0, maximum: 1 },
  deadLetters: strict({ inWindow: count, depth: countOrNull }),
});
const quarantinedRecord = strict({
  eventId: { type: ['string', 'null'] },
  reason: { type: 'string', enum: [...QUARANTINE_REASONS] },
  errors: { type: 'array', items: ref('FieldError') },
  quarantinedAt: instant,
  recordId: { type: 'string' },
  correlationId: { type: ['string', 'null'] },
  payload: { type: 'string' },
});
const recentQuarantine = [
  strict({ recentQuarantined: { type: 'array', items: quarantinedRecord } }),
  strict({ recentQuarantined: { type: 'null' }, quarantineError: { type: 'string' } }),
];
const nullableTally = { ...tally, type: ['object', 'null'] };
const checkData: Readonly<Record<CheckId, object>> = {
  api: {
    oneOf: [
      strict(
        {
          where: { type: 'string', description: "Where the API was asked: its URL, or 'in process'" },
          status: { type: 'integer', enum: [200] },
          latencyMs: { type: 'number', minimum: 0 },
          totals: ref('Summary'),
          buckets: count,
          storedTotals: { ...ref('Summary'), description: 'What the stored events add up to over the range' },
        },
        ['storedTotals'],
      ),
      strict({
        where: { type: 'string' },
        status: {
          type: ['integer', 'null'],
          description: 'The HTTP status it answered with; null: no answer',
        },
        latencyMs: { type: 'number', minimum: 0 },
        error: { type: 'string', description: 'Why it gave no history' },
      }),
    ],
  },
  query: orUnreadable(strict(stageFigures)),
  store: orUnreadable(
    strict(
      {
        events: count,
        eventsByType: { type: 'object', additionalProperties: count },
        counterDays: count,
        requests: storeRequests,
      },
      ['requests'],
    ),
  ),
  counters: orUnreadable(
    strict({
      driftDays: count,
      drift: {
        type: 'array',
        maxItems: 31,
        items: strict({ day: { type: 'string' }, counter: nullableTally, events: nullableTally }),
      },
    }),
  ),
  processor: {
    description: `\`rejections\` by reason (${QUARANTINE_REASONS.join(', ')}) and \`recentQuarantined\`, newest first`,
    oneOf: [processorData, unreadable].flatMap((figures) => recentQuarantine.map((q) => both(figures, q))),
  },
  stream: orUnreadable(streamData),
  ingest: orUnreadable(ingestData),
};
const diagnosisCheck = (id: CheckId) =>
  strict({
    id: { type: 'string', enum: [id] },
    question: { type: 'string' },
    status: ref('CheckStatus'),
    summary: { type: 'string' },
    data: checkData[id],
  });
const judgement = (data: object) => strict({ status: ref('CheckStatus'), summary: { type: 'string' }, data });

/**
 * The OpenAPI 3.1 description of the HTTP API of shared/CONTRACT.md, built from core's constants
 * so limits and enumerations cannot drift from the code. Local mode serves it at `/openapi.json`;
 * the handler tests validate real responses against its schemas.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(openApiDocument);
 * ```
 */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'activity-history',
    version: '1.1.0',
    description:
      'Exact, self-explaining user-activity counting: POST events, read per-user histories, ask for a diagnosis.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  servers: [{ url: 'http://127.0.0.1:3000', description: 'Local mode (`pnpm start`)' }],
  security: [{ jwt: [] }],
  paths: {
    '/activities': {
      ...otherMethods(['post']),
      post: {
        operationId: 'postActivities',
        summary: 'Send one event or a batch of events',
        description: `A caller writes only its own events (userId = token subject) unless its token has \`${INGEST_SCOPE}\`; a request with any event for another user is refused whole with 403. Bodies over ${MAX_BODY_BYTES} bytes are refused before parsing.`,
        security: [{ jwt: [] }, { jwt: [INGEST_SCOPE] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('IngestRequest') } } },
        responses: {
          '202': json(ref('IngestAccepted'), 'At least one event was durably written to the stream'),
          '400': json(ref('IngestError'), 'Not JSON, not an object, a bad `events` array, or no valid event'),
          ...common,
          '403': error('An event names another user and the token lacks the ingest scope'),
          '413': error(`The body is over ${MAX_BODY_BYTES} bytes`),
          '415': error('The content type is not application/json'),
          '503': json(
            ref('IngestUnavailable'),
            'The stream refused some events after retries; resending the whole request is safe',
            retryAfter,
          ),
        },
      },
    },
    '/users/{userId}/activity': {
      ...otherMethods(['get']),
      get: {
        operationId: 'getActivityHistory',
        summary: "A user's activity over a range of days",
        description: `Callers read their own history (token subject = userId) unless their token has \`${ADMIN_SCOPE}\`.`,
        parameters: [
          userIdParameter,
          ...rangeParameters,
          {
            name: 'granularity',
            in: 'query',
            schema: { type: 'string', enum: [...GRANULARITIES], default: 'total' },
          },
          {
            name: 'type',
            in: 'query',
            description: 'Comma-separated activity types to include',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': json(ref('ActivityHistory'), 'The history; a user with no events gets zeros'),
          '400': json(
            { oneOf: [ref('ParameterError'), ref('TooManyTypes')] },
            `\`invalid_parameter\`: a bad parameter (named), an unknown one (only ${HISTORY_PARAMETER_NAMES.join(', ')}), from >= to, or more than 1000 buckets; or \`too_many_types\`: the history would list more than ${MAX_TYPES_PER_HISTORY} types in \`byType\`, ask for some with \`type\``,
          ),
          ...common,
          '403': error('Another user’s history without the admin scope'),
          '503': json(ref('Error'), 'The store is unavailable', retryAfter),
        },
      },
    },
    '/users/{userId}/diagnosis': {
      ...otherMethods(['get']),
      get: {
        operationId: 'getDiagnosis',
        summary: 'Why a user’s count may look wrong: every stage checked',
        security: [{ jwt: [ADMIN_SCOPE] }],
        parameters: [userIdParameter, ...rangeParameters],
        responses: {
          '200': json(ref('Diagnosis'), 'The diagnosis'),
          '400': json(ref('ParameterError'), 'A bad or unknown parameter (named; only from, to)'),
          ...common,
          '403': error(`The token lacks ${ADMIN_SCOPE}`),
          '503': json(ref('Error'), 'A backend is unavailable', retryAfter),
        },
      },
    },
    '/users/{userId}/events/{eventId}': {
      ...otherMethods(['get']),
      get: {
        operationId: 'getEventTrace',
        summary: 'Where is my event? One idempotency key through the pipeline',
        description:
          'From what the pipeline keeps: the stored version of (userId, eventId) and the buckets it counts in, every quarantined arrival of the key (newest first), whether the stored event’s user-day counter agrees with that day’s stored events, and (on AWS) a CloudWatch Logs Insights query of the key’s correlation ids. Takes no query parameter.',
        security: [{ jwt: [ADMIN_SCOPE] }],
        parameters: [
          userIdParameter,
          {
            name: 'eventId',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: EVENT_ID_PATTERN },
          },
        ],
        responses: {
          '200': json(
            ref('EventTrace'),
            'The trace; a key never seen gets `stored: null` and no arrivals, not 404',
          ),
          '400': json(ref('ParameterError'), 'A bad userId or eventId, or any query parameter (named)'),
          ...common,
          '403': error(`The token lacks ${ADMIN_SCOPE}`),
          '503': json(ref('Error'), 'The store is unavailable', retryAfter),
        },
      },
    },
    '/health': {
      ...otherMethods(['get']),
      get: {
        operationId: 'getHealth',
        summary: 'Per-stage health over a recent window; 200 whenever the service runs',
        parameters: [
          {
            name: 'windowMs',
            in: 'query',
            required: false,
            description:
              'How far back the figures reach, milliseconds, held within 10000-900000; default: the service setting (60 s locally, 5 min in AWS)',
            schema: { type: 'integer' },
          },
        ],
        responses: { '200': json(ref('HealthBody'), 'How the pipeline is, degraded or not'), ...common },
      },
    },
  },
  components: {
    securitySchemes: {
      jwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `A JWT checked by the API's authorizer. Scopes (in \`scope\` or \`scp\`): \`${INGEST_SCOPE}\` writes events for any user, \`${ADMIN_SCOPE}\` reads any user's history and diagnoses.`,
      },
    },
    schemas: {
      ActivityEvent: {
        type: 'object',
        description: `At most ${MAX_EVENT_BYTES} bytes of UTF-8 when serialized. Strings are valid Unicode: no lone surrogate, no U+0000.`,
        additionalProperties: false,
        required: ['eventId', 'userId', 'type', 'occurredAt'],
        properties: {
          eventId: { type: 'string', pattern: EVENT_ID_PATTERN },
          userId: { type: 'string', pattern: USER_ID_PATTERN.source },
          type: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', examples: ['track.played'] },
          occurredAt: {
            ...instant,
            description: 'RFC 3339 with an explicit offset; not before 2000-01-01, at most 5 minutes ahead',
          },
          quantity: {
            type: 'number',
            minimum: MIN_QUANTITY,
            maximum: 1_000_000,
            default: 1,
            description:
              'At least one millionth (a smaller value is refused, never counted as 0), at most 1,000,000',
          },
          attributes: {
            type: 'object',
            description:
              'Keys `__proto__`, `constructor` and `prototype` are refused; every other key the pattern allows (`toString` included) is stored and returned like any other.',
            maxProperties: MAX_ATTRIBUTES,
            propertyNames: {
              pattern: '^[A-Za-z0-9_.-]{1,64}$',
              not: { enum: ['__proto__', 'constructor', 'prototype'] },
            },
            additionalProperties: {
              oneOf: [
                {
                  type: 'string',
                  maxLength: 256,
                  description: 'Valid Unicode: no lone surrogate, no U+0000',
                },
                {
                  type: 'number',
                  description:
                    'Finite; 0, or a magnitude from 1e-130 (inclusive) to 1e126 (exclusive). Integers beyond 2^53 are kept; -0 is read as 0.',
                },
                { type: 'boolean' },
              ],
            },
          },
        },
      },
      IngestRequest: {
        oneOf: [
          ref('ActivityEvent'),
          {
            type: 'object',
            additionalProperties: false,
            required: ['events'],
            properties: {
              events: {
                type: 'array',
                minItems: 1,
                maxItems: MAX_EVENTS_PER_REQUEST,
                items: ref('ActivityEvent'),
              },
            },
          },
        ],
      },
      FieldError: {
        type: 'object',
        description: 'One broken rule, naming the field that breaks it.',
        additionalProperties: false,
        required: ['path', 'message'],
        properties: {
          path: {
            type: 'string',
            description:
              'The field that breaks the rule (`occurredAt`, `attributes.note`); `""` for a rule about the whole value (an event that is not an object or is over 8 KiB)',
          },
          message: { type: 'string' },
        },
      },
      AcceptedItem: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'eventId'],
        properties: { index: itemIndex, eventId: { type: 'string' } },
      },
      RejectedItem: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'eventId', 'errors'],
        properties: {
          index: itemIndex,
          eventId: { type: ['string', 'null'] },
          errors: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_FIELD_ERRORS,
            description: `At most ${MAX_FIELD_ERRORS} errors, paths cut to ${MAX_ERROR_PATH_LENGTH} and messages to ${MAX_ERROR_MESSAGE_LENGTH} characters; when more rules are broken, the last error names the first left out and says how many were left out.`,
            items: ref('FieldError'),
          },
        },
      },
      IngestAccepted: {
        type: 'object',
        additionalProperties: false,
        required: ['accepted', 'rejected'],
        properties: {
          accepted: { type: 'array', minItems: 1, items: ref('AcceptedItem') },
          rejected: { type: 'array', items: ref('RejectedItem') },
        },
      },
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'message'],
            properties: {
              code: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
              message: { type: 'string', minLength: 1 },
            },
          },
          requestId: {
            type: 'string',
            description:
              "API Gateway's id of the request (the correlationId of the service's logs); quote it when reporting a 5xx",
          },
        },
      },
      IngestError: {
        allOf: [
          ref('Error'),
          { type: 'object', properties: { rejected: { type: 'array', items: ref('RejectedItem') } } },
        ],
      },
      IngestUnavailable: {
        allOf: [
          ref('Error'),
          {
            type: 'object',
            required: ['accepted', 'failed'],
            properties: {
              accepted: { type: 'array', items: ref('AcceptedItem') },
              failed: { type: 'array', minItems: 1, items: ref('AcceptedItem') },
              rejected: { type: 'array', items: ref('RejectedItem') },
            },
          },
        ],
      },
      ParameterError: {
        allOf: [
          ref('Error'),
          {
            type: 'object',
            required: ['errors'],
            properties: { errors: { type: 'array', minItems: 1, items: ref('FieldError') } },
          },
        ],
      },
      TooManyTypes: {
        allOf: [
          ref('Error'),
          {
            type: 'object',
            properties: {
              error: { type: 'object', properties: { code: { type: 'string', enum: ['too_many_types'] } } },
            },
          },
        ],
      },
      Tally: tally,
      Summary: { ...summary, additionalProperties: false },
      ActivityHistory: {
        type: 'object',
        additionalProperties: false,
        required: ['userId', 'from', 'to', 'granularity', 'totals', 'buckets'],
        properties: {
          userId: { type: 'string' },
          from: instant,
          to: instant,
          granularity: { type: 'string', enum: [...GRANULARITIES] },
          totals: ref('Summary'),
          buckets: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['start', ...summary.required],
              properties: { start: instant, ...summary.properties },
            },
          },
        },
      },
      Diagnosis: {
        type: 'object',
        additionalProperties: false,
        required: ['userId', 'window', 'verdict', 'suspect', 'checks'],
        properties: {
          userId: { type: 'string' },
          window: ref('Window'),
          verdict: ref('Verdict'),
          suspect: { enum: [...CHECK_IDS, null] },
          checks: {
            type: 'array',
            minItems: CHECK_IDS.length,
            maxItems: CHECK_IDS.length,
            description: 'Every check once, in the order of the ids; `data` depends on the `id`',
            items: { oneOf: CHECK_IDS.map(diagnosisCheck) },
          },
        },
      },
      StoredEvent: {
        ...strict({
          eventId: { type: 'string' },
          userId: { type: 'string' },
          type: { type: 'string' },
          occurredAt: { ...instant, description: 'Normalized to UTC' },
          quantity: { type: 'number' },
          attributes: { type: 'object' },
        }),
        description:
          'An event as the store keeps it: normalized (UTC instant, quantity given, attributes an object)',
      },
      EventTrace: strict({
        userId: { type: 'string' },
        eventId: { type: 'string' },
        stored: {
          description: 'The version that stands and counts; `null`: the key was never stored (or not yet)',
          oneOf: [
            { type: 'null' },
            strict({
              event: ref('StoredEvent'),
              day: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Its UTC day' },
              buckets: {
                ...strict({ day: instant, week: instant, month: instant, year: instant }),
                description: 'The start of each bucket it counts in (the ISO week starts on Monday)',
              },
            }),
          ],
        },
        quarantined: {
          type: 'array',
          description: 'Every arrival of the key that was set aside and is still in retention, newest first',
          items: strict({
            reason: { type: 'string', enum: [...QUARANTINE_REASONS] },
            errors: { type: 'array', items: ref('FieldError') },
            at: { ...instant, description: 'When it was quarantined' },
            correlationId: { type: ['string', 'null'] },
            recordId: { type: 'string', description: 'The stream record that carried it' },
            payload: { type: 'string', description: 'The version that arrived, cut to 2048 characters' },
          }),
        },
        counter: {
          description:
            'The stored event’s user-day: its counter against that day’s stored events; `null` when nothing is stored',
          oneOf: [
            { type: 'null' },
            strict({
              day: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
              agrees: { type: 'boolean' },
              counter: { oneOf: [{ type: 'null' }, ref('Tally')] },
              events: ref('Tally'),
            }),
          ],
        },
        logs: {
          description:
            'A CloudWatch Logs Insights query of the key’s correlation ids over the functions’ log groups, and its console link; `null` where no log groups are configured (local mode)',
          oneOf: [{ type: 'null' }, strict({ query: { type: 'string' }, url: { type: 'string' } })],
        },
      }),
      HealthBody: {
        description: 'Judged stages, or (`stages: null`) degraded because the metrics could not be read',
        oneOf: [ref('HealthReport'), ref('UnjudgedHealthReport')],
      },
      HealthReport: strict({
        status: ref('Verdict'),
        window: ref('Window'),
        stages: strict({
          ingest: judgement(ingestData),
          stream: judgement(streamData),
          process: judgement(processorData),
          store: judgement(storeRequests),
          query: judgement(strict(stageFigures)),
        }),
        figures: { type: 'object', description: 'The raw per-stage figures of the window' },
      }),
      UnjudgedHealthReport: strict({
        status: { type: 'string', enum: ['degraded'] },
        window: ref('Window'),
        summary: { type: 'string' },
        stages: { type: 'null' },
        figures: { type: 'null' },
      }),
      Window: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { from: instant, to: instant },
      },
      Verdict: { type: 'string', enum: ['healthy', 'degraded', 'failing'] },
      CheckStatus: { type: 'string', enum: ['ok', 'warn', 'fail'] },
    },
  },
} as const;
