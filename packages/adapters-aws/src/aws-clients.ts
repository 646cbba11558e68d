import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudWatchClient, type CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The process environment, as the SDK reads it. */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The endpoint the SDK's own variables give a service: `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` turns them off; `null` when none
 * does (the SDK then resolves the service's endpoint for the region).
 *
 * @example
 * ```ts
 * endpointFromEnvironment('KINESIS', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }); // 'http://127.0.0.1:4566'
 * ```
 */
export const endpointFromEnvironment = (
  serviceEnvId: string,
  env: Environment = process.env,
): string | null => {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return null;
  for (const name of [`AWS_ENDPOINT_URL_${serviceEnvId}`, 'AWS_ENDPOINT_URL']) {
    const value = (env[name] ?? '').trim();
    if (value !== '') return value;
  }
  return null;
};

/**
 * Whether the SDK will send this service's requests to an overridden endpoint: an explicit
 * `endpoint` in the client configuration, or one of the SDK's own variables
 * ({@link endpointFromEnvironment}). The endpoint itself is left to the SDK: this only decides
 * which HTTP handler the client gets.
 *
 * @example
 * ```ts
 * hasEndpointOverride('KINESIS', {}, { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' }); // true
 * ```
 */
export const hasEndpointOverride = (
  serviceEnvId: string,
  config: { readonly endpoint?: unknown },
  env: Environment = process.env,
): boolean => config.endpoint !== undefined || endpointFromEnvironment(serviceEnvId, env) !== null;

// Emulators speak HTTP/1.1 only; the Kinesis client defaults to HTTP/2 and fails against them
// (ERR_HTTP2_ERROR). A handler the caller configured always wins.
const withHttp1WhenOverridden = <C extends { endpoint?: unknown; requestHandler?: unknown }>(
  serviceEnvId: string,
  config: C,
): C =>
  config.requestHandler === undefined && hasEndpointOverride(serviceEnvId, config)
    ? { ...config, requestHandler: new NodeHttpHandler() }
    : config;

/**
 * A Kinesis client from the SDK's standard configuration (region, credentials, endpoints from the
 * environment or `config`), speaking HTTP/1.1 when the endpoint is overridden (emulators,
 * LocalStack), HTTP/2 as the SDK defaults otherwise.
 *
 * @example
 * ```ts
 * // AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:4567 in the environment, or:
 * const client = createKinesisClient({ endpoint: 'http://127.0.0.1:4567', region: 'us-east-1' });
 * ```
 */
export const createKinesisClient = (config: KinesisClientConfig = {}): KinesisClient =>
  new KinesisClient(withHttp1WhenOverridden('KINESIS', config));

/**
 * Sockets of the DynamoDB client: a batch's first step (one claim per event, 500 at most) goes out
 * at once, instead of in rounds behind the SDK's default of 50.
 */
export const DYNAMODB_SOCKETS = 500;

/** DynamoDB speaks HTTP/1.1 everywhere (AWS and the emulators alike): one agent per scheme. */
const batchSizedHandler = () =>
  new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: DYNAMODB_SOCKETS }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: DYNAMODB_SOCKETS }),
  });

/** The two DynamoDB clients the adapters use: the low-level one (provisioning) and the document one. */
export interface DynamoDbClients {
  readonly client: DynamoDBClient;
  readonly document: DynamoDBDocumentClient;
}

/**
 * DynamoDB clients from the SDK's standard configuration, speaking HTTP/1.1 to an overridden
 * endpoint. The document client shares the low-level client (and its middleware stack).
 *
 * @example
 * ```ts
 * const { client, document } = createDynamoDbClients();
 * const store = createDynamoDbEventStore({ client: document, tableName: 'activity-history' });
 * ```
 */
export const createDynamoDbClients = (config: DynamoDBClientConfig = {}): DynamoDbClients => {
  const client = new DynamoDBClient(
    config.requestHandler === undefined ? { ...config, requestHandler: batchSizedHandler() } : config,
  );
  return { client, document: DynamoDBDocumentClient.from(client) };
};

/**
 * A CloudWatch client from the SDK's standard configuration, speaking HTTP/1.1 to an overridden endpoint.
 *
 * @example
 * ```ts
 * const reader = createCloudWatchMetricsReader({ client: createCloudWatchClient(), namespace: 'ActivityHistory' });
 * ```
 */
export const createCloudWatchClient = (config: CloudWatchClientConfig = {}): CloudWatchClient =>
  new CloudWatchClient(withHttp1WhenOverridden('CLOUDWATCH', config));
