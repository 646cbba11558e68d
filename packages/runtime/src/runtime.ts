import {
  createJetStreamEventStream,
  ensureJetStream,
  jetStreamShardSource,
  openJetStreamCheckpoints,
  openJetStreamDeadLetters,
} from '@activity-history/adapters-nats';
import { createPostgresEventStore, migrate } from '@activity-history/adapters-postgres';
import { type Clock, DEFAULT_THRESHOLDS, type HealthThresholds, systemClock } from '@activity-history/core';
import { createDeliveryEngine, type DeliveryEngine } from '@activity-history/delivery';
import {
  createHandlers,
  createLogger,
  errorResponse,
  invokeAsEventSource,
  jsonResponse,
  type Logger,
  openApiDocument,
} from '@activity-history/handlers';
import { type GatewayAuthorizer, type GatewayPage, startHttpGateway } from '@activity-history/http-gateway';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { jwtAuthorizer } from './jwt-authorizer.js';
import { createPrometheusMetrics, type PrometheusMetrics } from './prometheus-metrics.js';
import { checkReadiness } from './readiness.js';
import type { RuntimeConfig } from './runtime-config.js';

/** What may be swapped in; each has a default. */
export interface RuntimeOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** How far back `/health` and the diagnosis look, ms (default 60 s). */
  readonly metricsWindowMs?: number;
  readonly thresholds?: HealthThresholds;
}

/** The running runtime. */
export interface Runtime {
  /** `http://<host>:<port>` */
  readonly url: string;
  readonly port: number;
  readonly metrics: PrometheusMetrics;
  /** The consumer loops; `null` on an API-only replica. */
  readonly delivery: DeliveryEngine | null;
  /**
   * The graceful stop: takes no new request and answers those in flight, lets each partition's
   * batch in flight finish and checkpoint, flushes the metrics, drains the NATS connection and
   * closes the pool. Calling it again returns the same stop.
   */
  close(): Promise<void>;
}

/** Samples older than this are dropped: the widest window `/health` may be asked for. */
const METRICS_RETENTION_MS = 15 * 60_000;
/** How long JetStream remembers a message id: a producer retry within it is dropped. */
const DUPLICATE_WINDOW_MS = 120_000;
/** The region the functions see in their Kinesis events; nothing here runs in one. */
const REGION = 'none';

/** The KV bucket of the consumer loops' checkpoints: one per stream, its keys the partitions. */
export const checkpointBucketOf = (streamName: string): string => `${streamName}-checkpoints`;
/** The dead-letter stream, capturing `<name>.>`: a record given up on is one message on it. */
export const deadLetterStreamOf = (streamName: string): string => `${streamName}-dead-letters`;

/** What a consumer-only replica answers on the API's routes: it serves none. */
const noApi: GatewayAuthorizer = async () => ({
  allowed: false,
  response: errorResponse(
    404,
    'not_found',
    'this replica runs the consumer loops only (ACTIVITY_RUNTIME_ROLE=consumer): send API requests to an api replica',
  ),
});

/**
 * Starts the pipeline as one long-running process: connects to PostgreSQL (a `pg` Pool, the store's
 * migrations applied before anything is served) and NATS (the JetStream stream created or brought
 * to its definition), serves the HTTP API through the same handlers as the Lambda functions, behind
 * JWT verification with API Gateway's rules, beside `/metrics` (Prometheus), `/livez`, `/readyz` and
 * `/openapi.json`, and runs the delivery engine over the partitions it is given, one batch in
 * flight per partition. The delivery state lives on the JetStream server: each partition's
 * checkpoint in a KV bucket, where a replaced container resumes, and the records given up on in a
 * dead-letter stream. The role decides what runs: the API and the consumer loops (`all`), the API
 * only, or the consumer loops only (their port then serves the probes and `/metrics`).
 *
 * @example
 * ```ts
 * const config = runtimeConfigFromEnv(process.env);
 * if (config.ok) {
 *   const runtime = await startRuntime(config.value);
 *   process.once('SIGTERM', () => runtime.close().then(() => process.exit(0)));
 * }
 * ```
 */
export const startRuntime = async (config: RuntimeConfig, options: RuntimeOptions = {}): Promise<Runtime> => {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const pool = new pg.Pool({ connectionString: config.databaseUrl });
  // An idle connection's failure (a restarted server) is reported on the pool; without a listener it
  // would crash the process, where the pool replaces the connection at the next query.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'an idle PostgreSQL connection failed'));
  let connection: NatsConnection | null = null;
  try {
    const migrated = await migrate(pool);
    logger.info({ applied: migrated.applied, version: migrated.version }, 'PostgreSQL schema migrated');
    const nats = await connect({ servers: [...config.natsServers], name: 'activity-history-runtime' });
    connection = nats;
    const jsm = await jetstreamManager(nats);
    await ensureJetStream(jsm, {
      name: config.streamName,
      subjects: [`${config.streamName}.*`],
      duplicateWindowMs: DUPLICATE_WINDOW_MS,
    });
    const streamOptions = { connection: nats, stream: config.streamName, partitions: config.partitions };
    const metrics = createPrometheusMetrics({ clock, retentionMs: METRICS_RETENTION_MS });
    const metricsWindowMs = options.metricsWindowMs ?? 60_000;
    const handlers = createHandlers({
      store: createPostgresEventStore({ connector: pool }),
      stream: createJetStreamEventStream(streamOptions),
      metrics,
      metricsReader: metrics,
      clock,
      logger,
      metricsWindowMs,
      thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    });
    const delivery =
      config.consumerPartitions.length === 0
        ? null
        : await (async () => {
            const source = jetStreamShardSource({
              ...streamOptions,
              readPartitions: config.consumerPartitions,
            });
            const checkpoints = await openJetStreamCheckpoints({
              connection: nats,
              bucket: checkpointBucketOf(config.streamName),
              source,
            });
            if (checkpoints.discarded.length > 0) {
              logger.warn(
                { stream: config.streamName, discarded: checkpoints.discarded },
                'the stream was recreated: the checkpoints of its old life were dropped',
              );
            }
            const deadLetterStream = deadLetterStreamOf(config.streamName);
            await ensureJetStream(jsm, {
              name: deadLetterStream,
              subjects: [`${deadLetterStream}.>`],
              // Drops a record dead-lettered again after a crash, before its checkpoint was written.
              duplicateWindowMs: DUPLICATE_WINDOW_MS,
            });
            return createDeliveryEngine({
              source,
              checkpoints,
              deadLetters: await openJetStreamDeadLetters({ connection: nats, stream: deadLetterStream }),
              invoke: invokeAsEventSource(handlers.process, {
                streamArn: `nats:jetstream:${config.streamName}`,
                region: REGION,
              }),
              clock,
              metrics,
              logger: logger.child({ stage: 'delivery' }),
              settings: config.delivery,
            });
          })();
    const pages = new Map<string, GatewayPage>([
      ['/livez', () => jsonResponse(200, { status: 'alive' })],
      [
        '/readyz',
        async () => {
          const readiness = await checkReadiness({ db: pool, connection: nats, stream: config.streamName });
          return jsonResponse(readiness.ready ? 200 : 503, {
            status: readiness.ready ? 'ready' : 'not_ready',
            checks: readiness.checks,
          });
        },
      ],
      [
        '/metrics',
        async () => ({
          statusCode: 200,
          headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' },
          body: await metrics.exposition(),
        }),
      ],
      ['/openapi.json', () => jsonResponse(200, openApiDocument)],
    ]);
    const gateway = await startHttpGateway({
      functions: handlers,
      authorize: config.jwt === null ? noApi : jwtAuthorizer(config.jwt),
      pages,
      host: config.host,
      port: config.port,
      logger,
      selfAddressed: true,
    });
    delivery?.start();
    let closing: Promise<void> | null = null;
    return {
      url: gateway.url,
      port: gateway.port,
      metrics,
      delivery,
      close() {
        closing ??= (async () => {
          await gateway.close();
          await delivery?.stop();
          await metrics.flush();
          await nats.drain();
          await pool.end();
        })();
        return closing;
      },
    };
  } catch (error) {
    await connection?.close();
    await pool.end();
    throw error;
  }
};
