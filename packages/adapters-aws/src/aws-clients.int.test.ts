import { startKinesalite } from '@activity-history/aws-emulators';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKinesisClient, endpointFromEnvironment, hasEndpointOverride } from './aws-clients.js';
import { ensureStream } from './provisioning.js';

describe('hasEndpointOverride', () => {
  it("sees the SDK's own endpoint variables and an explicit endpoint", () => {
    expect(hasEndpointOverride('KINESIS', {}, {})).toBe(false);
    expect(hasEndpointOverride('KINESIS', {}, { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' })).toBe(
      true,
    );
    expect(hasEndpointOverride('KINESIS', {}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toBe(true);
    expect(hasEndpointOverride('KINESIS', {}, { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' })).toBe(
      false,
    );
    expect(hasEndpointOverride('DYNAMODB', { endpoint: 'http://127.0.0.1:8000' }, {})).toBe(true);
  });

  it('ignores the variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, as the SDK does', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(hasEndpointOverride('KINESIS', {}, env)).toBe(false);
  });
});

describe('endpointFromEnvironment', () => {
  it('prefers the service variable to the global one, trims them, and treats blank as unset', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_KINESIS: ' http://127.0.0.1:4567 ',
    };
    expect(endpointFromEnvironment('KINESIS', env)).toBe('http://127.0.0.1:4567');
    expect(endpointFromEnvironment('DYNAMODB', env)).toBe('http://127.0.0.1:4566');
    expect(endpointFromEnvironment('KINESIS', { AWS_ENDPOINT_URL_KINESIS: '  ' })).toBeNull();
    expect(
      endpointFromEnvironment('KINESIS', { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }),
    ).toBeNull();
  });
});

describe('createKinesisClient', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reaches an emulator named only by AWS_ENDPOINT_URL_KINESIS (HTTP/1.1, where HTTP/2 fails)', async () => {
    const kinesis = await startKinesalite();
    vi.stubEnv('AWS_ENDPOINT_URL_KINESIS', kinesis.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const client = createKinesisClient();
    try {
      await ensureStream(client, 'configured-by-env');
      const response = await client.send(
        new PutRecordsCommand({
          StreamName: 'configured-by-env',
          Records: [{ PartitionKey: 'u-1', Data: new TextEncoder().encode('{}') }],
        }),
      );
      expect(response.FailedRecordCount).toBe(0);
    } finally {
      client.destroy();
      await kinesis.stop();
    }
  });
});
