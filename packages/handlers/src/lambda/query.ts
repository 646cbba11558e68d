/**
 * The query function's Lambda entry point (bundled to `dist/query/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call. Its composition
 * lives in `functions/query.ts`, which a test can import without this module's side effect.
 */
import { TOKENS } from '../composition/tokens.js';
import { queryFunction } from '../functions/query.js';

/** The deployed handler. */
export const handler = queryFunction(process.env).get(TOKENS.queryHandler);
