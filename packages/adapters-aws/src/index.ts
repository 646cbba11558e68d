export {
  createCloudWatchClient,
  createDynamoDbClients,
  createKinesisClient,
  DYNAMODB_SOCKETS,
  type DynamoDbClients,
  endpointFromEnvironment,
  hasEndpointOverride,
} from './aws-clients.js';
export {
  type CloudWatchMetricsReaderOptions,
  createCloudWatchMetricsReader,
  type FigureQuery,
  figureQueries,
  pipelineFiguresOf,
} from './cloudwatch-metrics-reader.js';
export { createDynamoDbEventStore, type DynamoDbEventStoreOptions } from './dynamodb-event-store.js';
export { createEmfMetrics, type EmfDataPoint, type EmfMetricsOptions, emfDataPoints } from './emf-metrics.js';
export {
  createKinesisEventStream,
  type KinesisEventStreamOptions,
  MAX_BYTES_PER_CALL,
  MAX_RECORDS_PER_CALL,
} from './kinesis-event-stream.js';
export { kinesisShardSource } from './kinesis-shard-source.js';
export {
  createLogsInsightsSearch,
  eventLogQueryText,
  type LogsInsightsSearchOptions,
} from './logs-insights-search.js';
export { ensureStream, ensureTable, type StreamSummary } from './provisioning.js';
export { describeSdkError, type SdkFailure, sdkFailureOf } from './sdk-failure.js';
export { TABLE_KEYS, TTL_ATTRIBUTE } from './table-layout.js';
