import { ADMIN_SCOPE, INGEST_SCOPE } from '@activity-history/core';
import { DEFAULT_DELIVERY_SETTINGS } from '@activity-history/delivery';
import { SCOPES_HEADER, SUBJECT_HEADER } from './local-authorizer.js';
import type { LocalPipeline } from './local-pipeline.js';

const limit = (value: number, unit = '') => (value < 0 ? 'unlimited' : `${value}${unit}`);

/**
 * What local mode prints when it is up: what runs where (URLs, backend, data directory), how the
 * delivery is set, and whether a token is checked, so nobody mistakes it for a protected deployment.
 *
 * @example
 * ```ts
 * process.stdout.write(startupBanner(pipeline));
 * ```
 */
export const startupBanner = (pipeline: LocalPipeline): string => {
  const p = { ...DEFAULT_DELIVERY_SETTINGS, ...pipeline.deliverySettings };
  const auth =
    pipeline.token === null
      ? [
          'auth       NO TOKEN CHECK: every request is authorized, with both scopes',
          `           (${INGEST_SCOPE} ${ADMIN_SCOPE}); subject from ${SUBJECT_HEADER} (default "local"),`,
          `           scopes narrowed by ${SCOPES_HEADER}. Set ACTIVITY_LOCAL_TOKEN to require a bearer token.`,
        ]
      : ['auth       bearer token required (ACTIVITY_LOCAL_TOKEN) on every API route but /health'];
  return `${[
    'activity-history local mode',
    `dashboard  ${pipeline.url}/`,
    `API        ${pipeline.url}/activities, ${pipeline.url}/users/{userId}/activity, .../diagnosis`,
    `health     ${pipeline.url}/health`,
    `OpenAPI    ${pipeline.url}/openapi.json`,
    `backend    ${pipeline.backend.kind}`,
    ...pipeline.backend.where.map((line) => `           ${line}`),
    // PostgreSQL's tables have the migrations' names; ACTIVITY_TABLE_NAME names DynamoDB's table only.
    pipeline.backend.kind === 'postgres'
      ? 'tables     activity_events, activity_counters, activity_quarantine'
      : `table      ${pipeline.tableName}`,
    `stream     ${pipeline.streamName}`,
    `data dir   ${pipeline.backend.persistent ? pipeline.dataDir : '(none: memory backend)'}`,
    `delivery   batch ${p.batchSize}, window ${p.batchingWindowMs} ms, bisect ${p.bisectBatchOnFunctionError ? 'on' : 'off'}, ` +
      `retries ${limit(p.maximumRetryAttempts)} (backoff ${p.retryBackoffInitialMs}-${p.retryBackoffMaxMs} ms), ` +
      `max record age ${limit(p.maximumRecordAgeMs, ' ms')}`,
    `dead letters ${pipeline.deadLetterFile ?? 'in memory'} (${pipeline.deadLetters.depth()} records)`,
    ...auth,
    'Ctrl-C or SIGTERM stops intake, drains the batches in flight and exits.',
  ].join('\n')}\n`;
};
