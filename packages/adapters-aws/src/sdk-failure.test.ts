import { describe, expect, it } from 'vitest';
import { sdkFailureOf } from './sdk-failure.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...extra,
  });

describe('sdkFailureOf', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'LimitExceededException',
  ])('calls %s throttling', (name) => {
    expect(sdkFailureOf(sdkError(name, 400))).toBe('throttled');
  });

  it('calls 5xx answers, timeouts and lost connections unavailable', () => {
    expect(sdkFailureOf(sdkError('InternalServerError', 500))).toBe('unavailable');
    expect(sdkFailureOf(sdkError('SomethingNew', 503))).toBe('unavailable');
    expect(sdkFailureOf(sdkError('TimeoutError'))).toBe('unavailable');
    expect(sdkFailureOf(sdkError('Error', undefined, { code: 'ECONNREFUSED' }))).toBe('unavailable');
  });

  it('calls missing resources, denied access, bad requests and non-errors failed', () => {
    expect(sdkFailureOf(sdkError('ResourceNotFoundException', 400))).toBe('failed');
    expect(sdkFailureOf(sdkError('AccessDeniedException', 400))).toBe('failed');
    expect(sdkFailureOf(sdkError('ValidationException', 400))).toBe('failed');
    expect(sdkFailureOf(new Error('Region is missing'))).toBe('failed');
    expect(sdkFailureOf('boom')).toBe('failed');
  });
});
