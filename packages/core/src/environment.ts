import { err, ok, type Result } from './result.js';

/** A process environment as configuration reads it: a plain record, so reading it is pure. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** An integer variable and the range it accepts. */
export interface IntegerVariable {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/**
 * A variable's value, trimmed; `undefined` when it is unset or blank, so that a blank variable
 * keeps its default as an unset one does.
 *
 * @example
 * ```ts
 * variableOf({ PORT: ' 8080 ' }, 'PORT'); // '8080'
 * ```
 */
export const variableOf = (env: Environment, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/**
 * An integer variable: `ok(undefined)` when unset or blank, `ok(value)` within its range, else an
 * error naming the variable, its rule and the text it holds (never silently a default).
 *
 * @example
 * ```ts
 * integerVariable({ PORT: '70000' }, { name: 'PORT', min: 0, max: 65_535 });
 * // { ok: false, error: 'PORT must be an integer from 0 to 65535, not "70000"' }
 * ```
 */
export const integerVariable = (
  env: Environment,
  { name, min, max }: IntegerVariable,
): Result<number | undefined, string> => {
  const text = variableOf(env, name);
  if (text === undefined) return ok(undefined);
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max
    ? ok(value)
    : err(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`);
};
