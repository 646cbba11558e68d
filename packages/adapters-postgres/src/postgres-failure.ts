import { EventStoreError } from '@activity-history/core';

/** The SQLSTATE of a PostgreSQL error (`pg` and PGlite both put it in `code`), or `null`. */
export const sqlStateOf = (error: unknown): string | null => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
};

/**
 * Whether PostgreSQL refused a statement for the values it was given (class 22, data exception:
 * a NUL character in text, a number out of a column's range; class 54, a value past a limit such
 * as an index row's size), rather than for the state of the server.
 */
export const isContentRefusal = (error: unknown): boolean => {
  const state = sqlStateOf(error);
  return state !== null && (state.startsWith('22') || state.startsWith('54'));
};

const describe = (error: unknown): string => {
  const state = sqlStateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return state === null ? message : `${message} (SQLSTATE ${state})`;
};

/**
 * Translates a driver or server failure into the port's error: `throttled` when the server sheds
 * load (class 53, too many connections or out of memory; 55P03, a lock not available), `failed`
 * when redelivery cannot help by itself (class 42, a missing table or a syntax error; 28, denied
 * access; 3D, no such database; a content refusal outside a claim), and `unavailable` for the rest:
 * connection failures (class 08, or no SQLSTATE at all: the socket broke), serialization failures
 * and deadlocks (class 40), an administrator's shutdown or a cancelled statement (class 57).
 *
 * @example
 * ```ts
 * throw toEventStoreError(error, 'append');
 * ```
 */
export const toEventStoreError = (error: unknown, operation: string): EventStoreError => {
  if (error instanceof EventStoreError) return error;
  const state = sqlStateOf(error);
  const message = `PostgreSQL ${operation} failed: ${describe(error)}`;
  if (state === null) return new EventStoreError('unavailable', message, { cause: error });
  const kind = state.slice(0, 2);
  if (kind === '53' || state === '55P03') return new EventStoreError('throttled', message, { cause: error });
  if (['08', '40', '57'].includes(kind)) return new EventStoreError('unavailable', message, { cause: error });
  return new EventStoreError('failed', message, { cause: error });
};

/** The message of a content refusal, for an `AppendOutcome` of kind `refused`. */
export const refusalMessage = (error: unknown): string =>
  `PostgreSQL cannot store this event: ${describe(error)}`;
