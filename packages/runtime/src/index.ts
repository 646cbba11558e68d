/**
 * The activity-history pipeline as one long-running process for containers (Kubernetes, Cloud Run,
 * ECS): the HTTP API through the same handlers as the Lambda functions, behind JWT verification with
 * API Gateway's rules, and the consumer loops of the delivery engine, on PostgreSQL and NATS
 * JetStream (the delivery state, checkpoints and dead letters, on the JetStream server). A replica
 * runs both, the API only, or the consumer loops of some partitions only. `/metrics` for
 * Prometheus, `/livez` and `/readyz` for the orchestrator, and a graceful drain on SIGTERM. The bin
 * `activity-history-runtime` runs it from the environment.
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
export { jwtAuthorizer } from './jwt-authorizer.js';
export {
  createPrometheusMetrics,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
} from './prometheus-metrics.js';
export { checkReadiness, type DependencyCheck, type Readiness } from './readiness.js';
export {
  checkpointBucketOf,
  deadLetterStreamOf,
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
  type RuntimeRole,
  runtimeConfigFromEnv,
} from './runtime-config.js';
