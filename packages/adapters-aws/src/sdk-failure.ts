/**
 * What kind of failure an AWS SDK error is: `throttled` (the service refused for capacity: retry
 * later), `unavailable` (network trouble, a timeout or a 5xx: retry later) or `failed` (anything
 * else: a missing table or stream, access denied, a bad request; retrying will not help).
 */
export type SdkFailure = 'throttled' | 'unavailable' | 'failed';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'KMSThrottlingException',
]);

const TRANSIENT = new Set([
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * Classifies an error thrown by an AWS SDK v3 call.
 *
 * @example
 * ```ts
 * sdkFailureOf(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })); // 'throttled'
 * ```
 */
export const sdkFailureOf = (error: unknown): SdkFailure => {
  if (typeof error !== 'object' || error === null) return 'failed';
  const shape = error as SdkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  if (THROTTLING.has(name)) return 'throttled';
  if (TRANSIENT.has(name)) return 'unavailable';
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) return 'unavailable';
  const status = shape.$metadata?.httpStatusCode;
  // Without an HTTP status and a known network code, the error is the caller's (a missing region,
  // an input the SDK cannot serialize): retrying the same request cannot help.
  return typeof status === 'number' && status >= 500 ? 'unavailable' : 'failed';
};

/**
 * A one-line description of an SDK error for logs and outcomes.
 *
 * @example
 * ```ts
 * describeSdkError(error); // 'ResourceNotFoundException: Stream activity-events not found'
 * ```
 */
export const describeSdkError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
