/**
 * The query function's Lambda entry point (bundled to `dist/query/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call.
 */
import { queryFunction } from '../composition/query-function.js';
import { TOKENS } from '../composition/tokens.js';

/** The deployed handler. */
export const handler = queryFunction(process.env).get(TOKENS.queryHandler);
