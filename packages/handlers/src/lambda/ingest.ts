/**
 * The ingest function's Lambda entry point (bundled to `dist/ingest/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call.
 */
import { ingestFunction } from '../composition/ingest-function.js';
import { TOKENS } from '../composition/tokens.js';

/** The deployed handler. */
export const handler = ingestFunction(process.env).get(TOKENS.ingestHandler);
