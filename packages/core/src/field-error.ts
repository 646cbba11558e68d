/**
 * One broken rule, named by the path of the field that breaks it (`occurredAt`, `attributes.mood`,
 * `events[3]`; empty for the whole value) and a sentence a person can act on.
 *
 * @example
 * ```ts
 * const error: FieldError = { path: 'quantity', message: 'quantity must be greater than 0' };
 * ```
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}
