#!/usr/bin/env node
/**
 * `activity-history-runtime`: the pipeline in the foreground of a container, configured from the
 * environment (see the README). A bad configuration stops here with one line per problem, naming
 * the variable and its rule (exit 2). SIGTERM (what Kubernetes, Cloud Run and ECS send) or SIGINT
 * drains and exits 0; a second signal while draining exits at once (the checkpoints make that safe:
 * at worst a batch is delivered again, and the store counts it once).
 */
import { createLogger } from '@activity-history/handlers';
import { startRuntime } from './runtime.js';
import { runtimeConfigFromEnv } from './runtime-config.js';

const config = runtimeConfigFromEnv(process.env);
if (!config.ok) {
  process.stderr.write(`the runtime is misconfigured:\n${config.error.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(2);
}

const logger = createLogger({ level: config.value.logLevel });
let runtime: Awaited<ReturnType<typeof startRuntime>>;
try {
  runtime = await startRuntime(config.value, { logger });
} catch (error) {
  logger.fatal(
    { err: error instanceof Error ? error.message : String(error) },
    'the runtime could not start',
  );
  process.exit(1);
}
logger.info(
  {
    url: runtime.url,
    role: config.value.role,
    stream: config.value.streamName,
    partitions: config.value.partitions,
    consumerPartitions: config.value.consumerPartitions,
  },
  `listening on ${runtime.url}`,
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
    process.exit(130);
  }
  stopping = true;
  logger.info({ signal }, 'draining: no new requests, finishing those in flight and the batches in flight');
  runtime.close().then(
    () => {
      logger.info({}, 'stopped cleanly');
      process.exit(0);
    },
    (error: unknown) => {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'stopping failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
