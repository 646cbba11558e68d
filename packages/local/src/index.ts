/**
 * Local mode: the whole pipeline on one machine, as deployed to AWS. The four Lambda handlers
 * (from `@activity-history/handlers`, unchanged) run behind an HTTP gateway with a JWT-scope
 * authorizer, a Kinesis delivery loop feeds the process handler with Lambda's event source mapping
 * semantics, and the backends are the in-memory adapters, DynamoDB and Kinesis (emulators started
 * here, or any endpoint the SDK's variables name), or PostgreSQL and NATS JetStream (PGlite or
 * `DATABASE_URL`, a nats-server started here or `NATS_URL`). `pnpm start` runs `main.ts`.
 *
 * @example
 * ```ts
 * import { startLocalPipeline } from '@activity-history/local';
 *
 * const pipeline = await startLocalPipeline({ backend: 'memory', port: 0 });
 * console.log(pipeline.url);
 * await pipeline.close();
 * ```
 *
 * @packageDocumentation
 */
export type { BackendKind, LocalBackend } from './local-backends.js';
export { localOptionsFromEnv } from './local-config.js';
export {
  LOCAL_THRESHOLDS,
  type LocalPipeline,
  type LocalPipelineOptions,
  startLocalPipeline,
} from './local-pipeline.js';
