/**
 * The diagnose function's Lambda entry point (bundled to `dist/diagnose/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call. Its composition
 * lives in `functions/diagnose.ts`, which a test can import without this module's side effect.
 */
import { TOKENS } from '../composition/tokens.js';
import { diagnoseFunction } from '../functions/diagnose.js';

/** The deployed handler. */
export const handler = diagnoseFunction(process.env).get(TOKENS.diagnoseHandler);
