/**
 * The ingest function's Lambda entry point (bundled to `dist/ingest/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call. Its composition
 * lives in `functions/ingest.ts`, which a test can import without this module's side effect.
 */
import { TOKENS } from '../composition/tokens.js';
import { ingestFunction } from '../functions/ingest.js';

/** The deployed handler. */
export const handler = ingestFunction(process.env).get(TOKENS.ingestHandler);
