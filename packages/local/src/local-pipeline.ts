import { join, resolve } from 'node:path';
import { createMemoryMetrics, type MemoryMetrics } from '@activity-history/adapters-memory';
import {
  type Clock,
  DEFAULT_THRESHOLDS,
  type EventStore,
  type HealthThresholds,
  systemClock,
} from '@activity-history/core';
import { createDeliveryEngine, type DeliveryEngine, type DeliverySettings } from '@activity-history/delivery';
import {
  createHandlers,
  createLogger,
  type HandlerPorts,
  type Handlers,
  invokeAsEventSource,
  jsonResponse,
  type Logger,
  openApiDocument,
} from '@activity-history/handlers';
import { type GatewayPage, startHttpGateway } from '@activity-history/http-gateway';
import { awsBackend } from './aws-backend.js';
import { openCheckpoints } from './checkpoint-store.js';
import { dashboardPages } from './dashboard-pages.js';
import { lockDataDir } from './data-dir-lock.js';
import { type DeadLetterStore, openDeadLetters } from './dead-letter-store.js';
import { localGatewayAuthorizer } from './local-authorizer.js';
import { type BackendKind, type LocalBackend, memoryBackend } from './local-backends.js';
import { postgresBackend } from './postgres-backend.js';

/** A page local mode serves beside the API: the dashboard, the OpenAPI document. */
export type LocalPage = GatewayPage;

/**
 * The thresholds local mode judges its own health with: core's defaults (written for AWS), but a
 * function is slow only past a p95 of 5 s instead of 1 s. Over the emulators, on a laptop, a
 * 100-record batch of the process function takes a second or two (the emulators answer in
 * milliseconds where DynamoDB answers in a few, and everything shares a few cores), so AWS's limit
 * would call every healthy local run degraded.
 *
 * @example
 * ```ts
 * LOCAL_THRESHOLDS.slowP95Ms; // 5000
 * ```
 */
export const LOCAL_THRESHOLDS: HealthThresholds = { ...DEFAULT_THRESHOLDS, slowP95Ms: 5_000 };

/** How to run the local pipeline; every field has a default (see docs/local-mode.md). */
export interface LocalPipelineOptions {
  /**
   * `emulators` (default): DynamoDB and Kinesis emulators in process, data on disk; `postgres`:
   * PostgreSQL (PGlite on disk, or `DATABASE_URL`) and NATS JetStream (`NATS_URL`, or a nats-server
   * started here); or `memory`.
   */
  readonly backend?: BackendKind;
  /** The port on 127.0.0.1 (default 3000; `0` picks a free one). */
  readonly port?: number;
  /** Where backend data, checkpoints and dead letters are kept (default `./.activity-history`). */
  readonly dataDir?: string;
  readonly tableName?: string;
  readonly streamName?: string;
  /** Shards of a stream local mode creates (default 2). */
  readonly shardCount?: number;
  /** A bearer token every API request must carry; `null` (default): no token check. */
  readonly token?: string | null;
  readonly delivery?: Partial<DeliverySettings>;
  /** How far back `/health` and the diagnosis look, ms (default 60 s). */
  readonly metricsWindowMs?: number;
  /**
   * The environment, for the AWS SDK's endpoint variables and the postgres backend's `DATABASE_URL`
   * and `NATS_URL` (default `process.env`).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /**
   * The time every part runs on: the functions, the metrics, the delivery engine's waits (default
   * the system clock). Its `sleep` must really wait: the delivery loops run on it.
   */
  readonly clock?: Clock;
  /** Wraps the store the functions use: for drills that make it fail. */
  readonly wrapStore?: (store: EventStore) => EventStore;
  /**
   * Wraps the functions the gateway and the delivery engine call: for drills that make one fail.
   * Gets the ports they were built over, to build variants of them.
   */
  readonly wrapHandlers?: (handlers: Handlers, ports: HandlerPorts) => Handlers;
  /** The thresholds `/health` and the diagnosis judge with (default {@link LOCAL_THRESHOLDS}). */
  readonly thresholds?: HealthThresholds;
  /**
   * Pages served beside the API, by path; they replace the built-in ones (`/`: the dashboard, or the
   * JSON index for non-browsers; `/dashboard/series`; `/openapi.json`).
   */
  readonly pages?: ReadonlyMap<string, LocalPage>;
}

/** The running local pipeline. */
export interface LocalPipeline {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly backend: LocalBackend;
  readonly dataDir: string;
  readonly tableName: string;
  readonly streamName: string;
  readonly token: string | null;
  readonly handlers: Handlers;
  /** The time it runs on. */
  readonly clock: Clock;
  readonly metrics: MemoryMetrics;
  readonly delivery: DeliveryEngine;
  readonly deliverySettings: Partial<DeliverySettings>;
  readonly deadLetters: DeadLetterStore;
  /** Where the dead letters are kept, `null` in memory. */
  readonly deadLetterFile: string | null;
  /**
   * Stops intake (the server takes no new request and finishes those in flight), lets each shard's
   * batch in flight finish and checkpoint, then stops the backends.
   */
  close(): Promise<void>;
}

/** Samples older than this are dropped: the dashboard's widest window. */
const METRICS_RETENTION_MS = 15 * 60_000;

const indexPage =
  (backend: LocalBackend): LocalPage =>
  () =>
    jsonResponse(200, {
      service: 'activity-history local mode',
      backend: backend.kind,
      routes: {
        ingest: 'POST /activities',
        history: 'GET /users/{userId}/activity',
        diagnosis: 'GET /users/{userId}/diagnosis',
        dashboard: 'GET / in a browser',
        health: 'GET /health',
        openapi: 'GET /openapi.json',
      },
    });

/**
 * Starts the whole pipeline in this process, through the same handlers as in AWS: the HTTP API on
 * 127.0.0.1, the store and stream of the chosen backend, the delivery engine feeding the process
 * function as Lambda's event source mapping does, and the metrics store behind `/health` and the
 * diagnosis. `pnpm start` and the end-to-end tests both run it.
 *
 * @example
 * ```ts
 * const pipeline = await startLocalPipeline({ backend: 'memory', port: 0 });
 * await fetch(`${pipeline.url}/health`);
 * await pipeline.close();
 * ```
 */
export const startLocalPipeline = async (options: LocalPipelineOptions = {}): Promise<LocalPipeline> => {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const dataDir = resolve(options.dataDir ?? '.activity-history');
  const tableName = options.tableName ?? 'activity-history';
  const streamName = options.streamName ?? 'activity-events';
  const shardCount = options.shardCount ?? 2;
  const token = options.token ?? null;
  // Only the memory backend keeps nothing on disk; the others hold the directory while they run.
  const lock = options.backend === 'memory' ? null : await lockDataDir(dataDir);
  let backend: LocalBackend;
  try {
    const env = options.env ?? process.env;
    backend =
      options.backend === 'memory'
        ? memoryBackend({ shardCount, clock })
        : options.backend === 'postgres'
          ? await postgresBackend({ dataDir, streamName, shardCount, env, logger })
          : await awsBackend({ dataDir, tableName, streamName, shardCount, env });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  try {
    const metrics = createMemoryMetrics({ clock, retentionMs: METRICS_RETENTION_MS });
    const store = options.wrapStore?.(backend.store) ?? backend.store;
    const ports: HandlerPorts = {
      store,
      stream: backend.stream,
      metrics,
      metricsReader: metrics,
      clock,
      logger,
      metricsWindowMs: options.metricsWindowMs ?? 60_000,
      thresholds: options.thresholds ?? LOCAL_THRESHOLDS,
    };
    const built = createHandlers(ports);
    const handlers = options.wrapHandlers?.(built, ports) ?? built;
    const onDisk = (file: string) => (backend.persistent ? join(dataDir, file) : null);
    const checkpoints = await openCheckpoints(
      onDisk(`checkpoints/${streamName}.json`),
      await backend.source.identity(),
    );
    if (checkpoints.discarded) {
      logger.warn({ streamName }, 'the stream was recreated: its old checkpoints were dropped');
    }
    const deadLetterFile = onDisk(`dead-letters/${streamName}.jsonl`);
    const deadLetters = await openDeadLetters(deadLetterFile);
    const deliverySettings = options.delivery ?? {};
    const origin = { streamArn: backend.streamArn, region: backend.region };
    const delivery = createDeliveryEngine({
      source: backend.source,
      checkpoints,
      deadLetters,
      // Lambda's side of the mapping: the batch as a Kinesis event, the failures it reports back.
      invoke: invokeAsEventSource(handlers.process, origin),
      clock,
      metrics,
      logger: logger.child({ stage: 'delivery' }),
      settings: deliverySettings,
    });
    const pages = new Map<string, LocalPage>([
      ...dashboardPages({
        metrics,
        index: indexPage(backend),
        defaultWindowMs: options.metricsWindowMs ?? 60_000,
      }),
      ['/openapi.json', () => jsonResponse(200, openApiDocument)],
      ...(options.pages ?? []),
    ]);
    const server = await startHttpGateway({
      functions: handlers,
      authorize: localGatewayAuthorizer(token),
      pages,
      host: '127.0.0.1',
      port: options.port ?? 3000,
      logger,
    });
    delivery.start();
    return {
      url: server.url,
      backend,
      dataDir,
      tableName,
      streamName,
      token,
      handlers,
      clock,
      metrics,
      delivery,
      deliverySettings,
      deadLetters,
      deadLetterFile,
      async close() {
        await server.close();
        await delivery.stop();
        await backend.close();
        await lock?.release();
      },
    };
  } catch (error) {
    await backend.close();
    await lock?.release();
    throw error;
  }
};
