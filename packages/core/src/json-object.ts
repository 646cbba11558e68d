/**
 * Whether a parsed JSON value is an object (not `null`, not an array): the shape every body,
 * envelope and event must have before its fields are read.
 *
 * @example
 * ```ts
 * isJsonObject(JSON.parse('{"a":1}')); // true
 * isJsonObject(JSON.parse('[1]')); // false
 * ```
 */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
