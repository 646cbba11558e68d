/**
 * The activity-history pipeline as one long-running process for containers (Kubernetes, Cloud Run,
 * ECS): the HTTP API through the same handlers as the Lambda functions, behind JWT verification with
 * API Gateway's rules, and the consumer loops of the delivery engine, on PostgreSQL and NATS
 * JetStream; `/metrics` for Prometheus, `/livez` and `/readyz` for the orchestrator, and a graceful
 * drain on SIGTERM. The bin `activity-history-runtime` runs it from the environment.
 *
 * @example
 * ```ts
 * import { runtimeConfigFromEnv, startRuntime } from '@activity-history/runtime';
 *
 * const config = runtimeConfigFromEnv(process.env);
 * if (!config.ok) throw new Error(config.error.join('\n'));
 * const runtime = await startRuntime(config.value);
 * await runtime.close();
 * ```
 *
 * @packageDocumentation
 */
export { ensureDeliveryTables } from './delivery-tables.js';
export { jwtAuthorizer } from './jwt-authorizer.js';
export { openPostgresCheckpoints, type PostgresCheckpoints } from './postgres-checkpoints.js';
export { openPostgresDeadLetters } from './postgres-dead-letters.js';
export {
  createPrometheusMetrics,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
} from './prometheus-metrics.js';
export { checkReadiness, type DependencyCheck, type Readiness } from './readiness.js';
export {
  type DeliveryPortContext,
  type Runtime,
  type RuntimeOptions,
  startRuntime,
} from './runtime.js';
export {
  DEFAULT_PARTITIONS,
  DEFAULT_PORT,
  DEFAULT_STREAM_NAME,
  type Environment,
  type JwtKeys,
  type JwtSettings,
  type RuntimeConfig,
  runtimeConfigFromEnv,
} from './runtime-config.js';
