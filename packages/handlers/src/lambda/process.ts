/**
 * The process function's Lambda entry point (bundled to `dist/process/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call. Its composition
 * lives in `functions/process.ts`, which a test can import without this module's side effect.
 */
import { TOKENS } from '../composition/tokens.js';
import { processFunction } from '../functions/process.js';

/** The deployed handler. */
export const handler = processFunction(process.env).get(TOKENS.processHandler);
