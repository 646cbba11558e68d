import { storableText } from './storable-text.js';

/**
 * One broken rule, named by the path of the field that breaks it (`occurredAt`, `attributes.mood`,
 * `events[3]`) and a sentence a person can act on. A rule about the value as a whole (an event
 * that is not an object or is over 8 KiB, a stream record that is not JSON) has the empty path
 * `""`, as a JSON Pointer names the whole document.
 *
 * @example
 * ```ts
 * const error: FieldError = { path: 'quantity', message: 'quantity must be at least 0.000001' };
 * ```
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The most errors reported for one value; the last of them then counts the ones left out. */
export const MAX_FIELD_ERRORS = 20;
/** The longest `path` kept, in UTF-16 units: the longest valid path (`attributes.` + 64) fits. */
export const MAX_ERROR_PATH_LENGTH = 100;
/** The longest `message` kept, in UTF-16 units. */
export const MAX_ERROR_MESSAGE_LENGTH = 200;

const ELLIPSIS = '…';

const bounded = (error: FieldError): FieldError => ({
  path: storableText(error.path, MAX_ERROR_PATH_LENGTH, ELLIPSIS),
  message: storableText(error.message, MAX_ERROR_MESSAGE_LENGTH, ELLIPSIS),
});

/**
 * Bounds a list of errors before it leaves core (a 400 body, a quarantined record): a record with
 * 5,000 unknown fields must not make a response or a stored item of megabytes. At most
 * {@link MAX_FIELD_ERRORS} errors are kept; when there are more, the last one names the first
 * left out and says how many were left out. Paths and messages are cut to
 * {@link MAX_ERROR_PATH_LENGTH} and {@link MAX_ERROR_MESSAGE_LENGTH} units (ending in `…`), and
 * U+0000 and lone surrogates a client put in a key become U+FFFD, so every store can keep them.
 * Capping a capped list changes nothing.
 *
 * @example
 * ```ts
 * const errors = Array.from({ length: 5000 }, (_, i) => ({ path: `k${i}`, message: `unknown field "k${i}"` }));
 * capFieldErrors(errors).length; // 20
 * capFieldErrors(errors)[19]; // { path: 'k19', message: '4981 more errors were left out, the first at "k19"' }
 * ```
 */
export const capFieldErrors = (errors: readonly FieldError[]): FieldError[] => {
  if (errors.length <= MAX_FIELD_ERRORS) return errors.map(bounded);
  const kept = errors.slice(0, MAX_FIELD_ERRORS - 1).map(bounded);
  const firstLeftOut = bounded(errors[MAX_FIELD_ERRORS - 1]!);
  const leftOut = errors.length - kept.length;
  kept.push({
    path: firstLeftOut.path,
    message: storableText(
      `${leftOut} more errors were left out, the first at "${firstLeftOut.path}"`,
      MAX_ERROR_MESSAGE_LENGTH,
      ELLIPSIS,
    ),
  });
  return kept;
};
