/**
 * Marks a branch the type system proves unreachable, so that a new variant of a union fails to
 * compile at every `switch` that would silently ignore it.
 *
 * @example
 * ```ts
 * switch (outcome.kind) { case 'new': ...; default: assertNever(outcome); }
 * ```
 */
export const assertNever = (value: never): never => {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
};
