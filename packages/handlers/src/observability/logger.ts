import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths never written to a log, whatever a future log line carries: tokens, headers, and the
 * values of event attributes (personal data the pipeline counts but does not need to show).
 */
const REDACTED = [
  'authorization',
  'headers',
  'token',
  'claims',
  'attributes',
  'body',
  '*.authorization',
  '*.headers',
  '*.token',
  '*.claims',
  '*.attributes',
  '*.body',
];

/**
 * The structured JSON logger of every function: one line per entry, ISO time, `level` as a word,
 * the message under `message` (what CloudWatch Logs Insights and Lambda's JSON log format expect).
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info' });
 * logger.child({ lambdaRequestId, correlationId }).info({ userId }, 'accepted');
 * ```
 */
export const createLogger = (
  options: { readonly level?: string; readonly destination?: DestinationStream } = {},
): Logger =>
  pino(
    {
      level: options.level ?? 'info',
      base: null,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED, censor: '[redacted]' },
    },
    options.destination,
  );
