import { describe, expect, it } from 'vitest';
import { emulatorConfig } from './emulator-config.js';
import { type RunningEmulator, startDynalite, startKinesalite } from './emulators.js';

/** One JSON-protocol call, as the SDK sends it, without the SDK: this package does not depend on it. */
const call = async (
  emulator: RunningEmulator,
  target: string,
): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(emulator.endpoint, {
    method: 'POST',
    headers: {
      // DynamoDB speaks JSON 1.0, Kinesis JSON 1.1; the emulators check the signature's shape, not its value.
      'content-type': target.startsWith('DynamoDB')
        ? 'application/x-amz-json-1.0'
        : 'application/x-amz-json-1.1',
      'x-amz-target': target,
      'x-amz-date': '20260101T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
    },
    body: '{}',
  });
  return { status: response.status, body: await response.json() };
};

describe('the in-process emulators', () => {
  it.each([
    ['dynalite', startDynalite, 'DynamoDB_20120810.ListTables', { TableNames: [] }],
    [
      'kinesalite',
      startKinesalite,
      'Kinesis_20131202.ListStreams',
      { StreamNames: [], HasMoreStreams: false },
    ],
  ])(
    '%s answers its protocol on its own port of 127.0.0.1, and stops twice safely',
    async (_, start, target, empty) => {
      // Arrange
      const [a, b] = await Promise.all([start(), start()]);
      try {
        // Act
        const answer = await call(a, target);

        // Assert
        expect(a.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(a.endpoint).not.toBe(b.endpoint);
        expect(answer).toEqual({ status: 200, body: empty });
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await a.stop();
      }
      await expect(call(a, target)).rejects.toThrow();
    },
  );

  it('configures a client for an emulator with a static key pair, leaving the environment alone', () => {
    expect(emulatorConfig('http://127.0.0.1:1')).toEqual({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
});
