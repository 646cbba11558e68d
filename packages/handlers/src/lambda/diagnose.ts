/**
 * The diagnose function's Lambda entry point (bundled to `dist/diagnose/index.mjs`). The container is built
 * once, at module scope, from the environment: only construction, no network call.
 */
import { diagnoseFunction } from '../composition/diagnose-function.js';
import { TOKENS } from '../composition/tokens.js';

/** The deployed handler. */
export const handler = diagnoseFunction(process.env).get(TOKENS.diagnoseHandler);
