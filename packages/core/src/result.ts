/**
 * The outcome of an operation whose failure is expected and part of the domain (an invalid event,
 * a bad query parameter). Unexpected failures are thrown instead.
 *
 * @example
 * ```ts
 * const parsed = parseActivityEvent(body, { now: Date.now() });
 * if (!parsed.ok) return badRequest(parsed.error);
 * ```
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Wraps a success. @example `return ok(event);` */
export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });

/** Wraps an expected failure. @example `return err([{ path: 'from', message: '...' }]);` */
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });
