#!/usr/bin/env node
/**
 * `pnpm start`: the whole pipeline in the foreground, configured from the environment
 * (docs/local-mode.md). SIGINT/SIGTERM stop intake, drain the batches in flight and exit 0; a
 * second signal while draining exits at once (the checkpoints on disk make that safe too).
 */
import { createLogger } from '@activity-history/handlers';
import { localOptionsFromEnv } from './local-config.js';
import { startLocalPipeline } from './local-pipeline.js';
import { startupBanner } from './startup-banner.js';

// The AWS SDK warns at every start that it will soon need Node 22; on Node 20 (supported by this
// project) that is noise above the banner. Set the variable to `false` to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const options = localOptionsFromEnv(process.env);
if (!options.ok) {
  process.stderr.write(`local mode is misconfigured:\n${options.error.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(2);
}

const logger = createLogger({ level: process.env.LOG_LEVEL?.toLowerCase() ?? 'warn' });
let pipeline: Awaited<ReturnType<typeof startLocalPipeline>>;
try {
  pipeline = await startLocalPipeline({ ...options.value, logger });
} catch (error) {
  process.stderr.write(
    `local mode could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
process.stdout.write(startupBanner(pipeline));

let stopping = false;
/** Stops on a signal, or when the parent went away (`reason` says which). */
const stop = (reason: string): void => {
  if (stopping) {
    process.stdout.write(`${reason} again: exiting without waiting for the drain\n`);
    process.exit(130);
  }
  stopping = true;
  process.stdout.write(`${reason}: stopping intake, draining the batches in flight...\n`);
  pipeline.close().then(
    () => {
      process.stdout.write('stopped cleanly\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// A parent that dies without passing a signal on (killed with SIGKILL, say) leaves this process to
// init: stop then too, rather than serve on with nobody to stop it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent && !stopping) stop('the parent process went away');
}, 1_000).unref();
