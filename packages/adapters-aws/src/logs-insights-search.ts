import type { EventLogQuery, EventLogSearch, EventLogSearchRequest } from '@activity-history/core';

/** Where the functions log, and how far back a search looks. */
export interface LogsInsightsSearchOptions {
  /** The AWS region of the log groups (the console link opens there). */
  readonly region: string;
  /** The functions' log groups, searched together. */
  readonly logGroupNames: readonly string[];
  /** How far back the console's search looks, seconds. Default: 30 days, the construct's log retention. */
  readonly lookbackSeconds?: number;
}

const THIRTY_DAYS_S = 30 * 86_400;
/** The most rows a Logs Insights query returns. */
const MAX_ROWS = 10_000;

/** A Logs Insights string literal: single-quoted, so the JSON quotes it matches need no escape. */
const literal = (value: string): string => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/**
 * The console's URL fragment encodes its state as JSURL: strings are percent-encoded with `*` for
 * `%` (and the characters JSURL reserves escaped too), then the whole fragment is percent-encoded
 * again with `$` for `%`.
 */
const jsurlString = (value: string): string =>
  `'${encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%/g, '*')}`;

/**
 * The Logs Insights query of one key. Every function's lines carry `correlationId` (ingest's
 * request line, the HTTP functions' lines) or list it in `correlationIds` (the process function's
 * batch summary), so a search for the JSON string `"<id>"` finds them all; the process function's
 * per-record warnings also carry `userId` and `eventId`, which finds arrivals without a known
 * correlation id.
 */
export const eventLogQueryText = (
  request: EventLogSearchRequest,
  logGroupNames: readonly string[],
): string => {
  const byCorrelation = request.correlationIds.map((id) => `@message like ${literal(`"${id}"`)}`);
  const byKey = `(userId = ${literal(request.userId)} and eventId = ${literal(request.eventId)})`;
  return [
    `# every log line of event ${request.eventId} of user ${request.userId}`,
    `# log groups: ${logGroupNames.join(', ')}`,
    'fields @timestamp, @log, level, message, correlationId, userId, eventId, reason',
    `| filter ${[...byCorrelation, byKey].join(' or ')}`,
    '| sort @timestamp asc',
    `| limit ${MAX_ROWS}`,
  ].join('\n');
};

/**
 * Searches the functions' CloudWatch log groups with Logs Insights: for a key, the query text (to
 * paste, or run with `aws logs start-query --log-group-names ...`) and a console link that opens
 * it over those log groups. It only writes the search: nothing is sent to AWS, and running it
 * needs the operator's own `logs:StartQuery`.
 *
 * @example
 * ```ts
 * const logs = createLogsInsightsSearch({ region: 'eu-west-1', logGroupNames: ['/aws/lambda/ingest'] });
 * logs.forEvent({ userId: 'u-1', eventId: 'e-1', correlationIds: ['req-1'] }).url;
 * ```
 */
export const createLogsInsightsSearch = (options: LogsInsightsSearchOptions): EventLogSearch => {
  const { region, logGroupNames } = options;
  const lookback = options.lookbackSeconds ?? THIRTY_DAYS_S;
  return {
    forEvent(request): EventLogQuery {
      const query = eventLogQueryText(request, logGroupNames);
      const sources = logGroupNames.map((name) => `~${jsurlString(name)}`).join('');
      const detail = `~(end~0~start~-${lookback}~timeType~'RELATIVE~unit~'seconds~editorString~${jsurlString(query)}~source~(${sources}))`;
      const fragment = encodeURIComponent(`?queryDetail=${detail}`).replace(/%/g, '$');
      const host = `https://${region}.console.aws.amazon.com`;
      return { query, url: `${host}/cloudwatch/home?region=${region}#logsV2:logs-insights${fragment}` };
    },
  };
};
