/**
 * The process function's Lambda entry point (bundled to `dist/process/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call.
 */
import { processFunction } from '../composition/process-function.js';
import { TOKENS } from '../composition/tokens.js';

/** The deployed handler. */
export const handler = processFunction(process.env).get(TOKENS.processHandler);
