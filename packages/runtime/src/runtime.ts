import {
  createJetStreamEventStream,
  ensureJetStream,
  jetStreamShardSource,
} from '@activity-history/adapters-nats';
import { createPostgresEventStore, migrate, type Queryable } from '@activity-history/adapters-postgres';
import { type Clock, DEFAULT_THRESHOLDS, type HealthThresholds, systemClock } from '@activity-history/core';
import {
  createDeliveryEngine,
  type DeadLetterDestination,
  type DeliveryEngine,
  type ShardCheckpoints,
} from '@activity-history/delivery';
import {
  createHandlers,
  createLogger,
  invokeAsEventSource,
  jsonResponse,
  type Logger,
  openApiDocument,
} from '@activity-history/handlers';
import { type GatewayPage, startHttpGateway } from '@activity-history/http-gateway';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { ensureDeliveryTables } from './delivery-tables.js';
import { jwtAuthorizer } from './jwt-authorizer.js';
import { openPostgresCheckpoints } from './postgres-checkpoints.js';
import { openPostgresDeadLetters } from './postgres-dead-letters.js';
import { createPrometheusMetrics, type PrometheusMetrics } from './prometheus-metrics.js';
import { checkReadiness } from './readiness.js';
import type { RuntimeConfig } from './runtime-config.js';

/** What the ports of the consumer loops are opened with. */
export interface DeliveryPortContext {
  /** The store's pool. */
  readonly db: Queryable;
  readonly connection: NatsConnection;
  readonly stream: string;
  /** The stream's life (name and creation time): checkpoints of another life are not valid. */
  readonly identity: string;
  readonly logger: Logger;
}

/** What may be swapped in; each has a default. */
export interface RuntimeOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Where each partition's checkpoint is kept; default the `delivery_checkpoints` table. */
  readonly openCheckpoints?: (context: DeliveryPortContext) => Promise<ShardCheckpoints>;
  /** Where records given up on go; default the `delivery_dead_letters` table. */
  readonly openDeadLetters?: (context: DeliveryPortContext) => Promise<DeadLetterDestination>;
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
  readonly delivery: DeliveryEngine;
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

const defaultCheckpoints = async (context: DeliveryPortContext): Promise<ShardCheckpoints> => {
  const checkpoints = await openPostgresCheckpoints(context.db, context);
  if (checkpoints.discarded > 0) {
    context.logger.warn(
      { stream: context.stream, discarded: checkpoints.discarded },
      'the stream was recreated: its old checkpoints were dropped',
    );
  }
  return checkpoints;
};

const defaultDeadLetters = (context: DeliveryPortContext): Promise<DeadLetterDestination> =>
  openPostgresDeadLetters(context.db, context.stream);

/**
 * Starts the pipeline as one long-running process: connects to PostgreSQL (a `pg` Pool, the store's
 * migrations applied before anything is served) and NATS (the JetStream stream created or brought
 * to its definition), serves the HTTP API through the same handlers as the Lambda functions, behind
 * JWT verification with API Gateway's rules, beside `/metrics` (Prometheus), `/livez`, `/readyz` and
 * `/openapi.json`, and runs the delivery engine over the stream's partitions, one batch in flight
 * per partition, checkpointing where a replaced container resumes.
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
    await ensureDeliveryTables(pool);
    logger.info({ applied: migrated.applied, version: migrated.version }, 'PostgreSQL schema migrated');
    const nats = await connect({ servers: [...config.natsServers], name: 'activity-history-runtime' });
    connection = nats;
    const { created } = await ensureJetStream(await jetstreamManager(nats), {
      name: config.streamName,
      subjects: [`${config.streamName}.*`],
      duplicateWindowMs: DUPLICATE_WINDOW_MS,
    });
    const streamOptions = { connection: nats, stream: config.streamName, partitions: config.partitions };
    const source = jetStreamShardSource(streamOptions);
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
    const context: DeliveryPortContext = {
      db: pool,
      connection: nats,
      stream: config.streamName,
      identity: `${config.streamName}@${created}`,
      logger,
    };
    const delivery = createDeliveryEngine({
      source,
      checkpoints: await (options.openCheckpoints ?? defaultCheckpoints)(context),
      deadLetters: await (options.openDeadLetters ?? defaultDeadLetters)(context),
      invoke: invokeAsEventSource(handlers.process, {
        streamArn: `nats:jetstream:${config.streamName}`,
        region: REGION,
      }),
      clock,
      metrics,
      logger: logger.child({ stage: 'delivery' }),
      settings: config.delivery,
    });
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
      authorize: jwtAuthorizer(config.jwt),
      pages,
      host: config.host,
      port: config.port,
      logger,
      selfAddressed: true,
    });
    delivery.start();
    let closing: Promise<void> | null = null;
    return {
      url: gateway.url,
      port: gateway.port,
      metrics,
      delivery,
      close() {
        closing ??= (async () => {
          await gateway.close();
          await delivery.stop();
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
