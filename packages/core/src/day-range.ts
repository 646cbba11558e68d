import type { FieldError } from './field-error.js';
import { err, ok, type Result } from './result.js';
import { countBuckets, DAY_MS, GRANULARITIES, type Granularity, startOfUtcDay } from './time-bucket.js';

/**
 * A half-open range of whole UTC days [`from`, `to`), epoch milliseconds, with `from < to`. Only
 * {@link parseDayRange} and {@link dayRange} make one, so every range in the domain is valid.
 */
export interface DayRange {
  readonly from: number;
  readonly to: number;
  readonly __brand: 'DayRange';
}

/** The most buckets one query may return. */
export const MAX_BUCKETS = 1000;

/**
 * Makes a range from two UTC midnights, or explains why they do not form one.
 *
 * @example
 * ```ts
 * dayRange(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)); // { ok: true, value: { from, to } }
 * ```
 */
export const dayRange = (from: number, to: number): Result<DayRange, FieldError[]> => {
  const errors: FieldError[] = [];
  if (from % DAY_MS !== 0)
    errors.push({ path: 'from', message: 'from must be a UTC day boundary (00:00:00Z)' });
  if (to % DAY_MS !== 0) errors.push({ path: 'to', message: 'to must be a UTC day boundary (00:00:00Z)' });
  if (errors.length === 0 && from >= to) errors.push({ path: 'from', message: 'from must be before to' });
  return errors.length > 0 ? err(errors) : ok({ from, to } as DayRange);
};

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIDNIGHT_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T00:00:00(?:\.0+)?(?:Z|\+00:00)$/i;

const parseDay = (name: 'from' | 'to', value: string): Result<number, FieldError> => {
  const m = DATE_ONLY.exec(value) ?? MIDNIGHT_TIMESTAMP.exec(value);
  if (m !== null) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(year, month - 1, day);
    const check = new Date(ms);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
      return ok(ms);
    }
  }
  return err({
    path: name,
    message: `${name} must be a date (YYYY-MM-DD) or a timestamp at 00:00:00Z, got "${value.slice(0, 40)}"`,
  });
};

/** The parameters of a history or diagnosis request, as they arrive (query string values). */
export interface RangeParameters {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** The query parameters `GET /users/{userId}/activity` knows. */
export const HISTORY_PARAMETER_NAMES: readonly string[] = ['from', 'to', 'granularity', 'type'];

/** The query parameters `GET /users/{userId}/diagnosis` knows. */
export const DIAGNOSIS_PARAMETER_NAMES: readonly string[] = ['from', 'to'];

/**
 * One error per parameter that is not among `known`, so a typo such as `granulrity` is refused
 * instead of silently giving the default. `parameters` is the whole query string, as it arrived.
 *
 * @example
 * ```ts
 * unknownParameters({ granulrity: 'day' }, HISTORY_PARAMETER_NAMES);
 * // [{ path: 'granulrity', message: 'unknown query parameter "granulrity" (known: from, to, granularity, type)' }]
 * ```
 */
export const unknownParameters = (parameters: object, known: readonly string[]): FieldError[] =>
  Object.keys(parameters)
    .filter((name) => !known.includes(name))
    .map((name) => ({
      path: name,
      message: `unknown query parameter "${name.slice(0, 40)}" (known: ${known.join(', ')})`,
    }));

/**
 * Reads the window of a diagnosis: {@link parseDayRange}, refusing any parameter besides `from`
 * and `to`.
 *
 * @example
 * ```ts
 * parseDiagnosisRange({ from: '2026-01-01' }, Date.now()); // { ok: true, value: { from, to } }
 * parseDiagnosisRange({ form: '2026-01-01' }, Date.now()); // { ok: false, error: [{ path: 'form', ... }] }
 * ```
 */
export const parseDiagnosisRange = (
  parameters: RangeParameters,
  now: number,
): Result<DayRange, FieldError[]> => {
  const unknown = unknownParameters(parameters, DIAGNOSIS_PARAMETER_NAMES);
  const range = parseDayRange(parameters, now);
  if (unknown.length > 0) return err([...unknown, ...(range.ok ? [] : range.error)]);
  return range;
};

/**
 * Reads `from` and `to` as the HTTP API documents them, with its defaults: the start of the current
 * UTC year, and now rounded up to the next UTC day.
 *
 * @example
 * ```ts
 * parseDayRange({ from: '2026-01-01' }, Date.now());
 * ```
 */
export const parseDayRange = (parameters: RangeParameters, now: number): Result<DayRange, FieldError[]> => {
  const from =
    parameters.from === undefined
      ? ok(Date.UTC(new Date(now).getUTCFullYear(), 0, 1))
      : parseDay('from', parameters.from);
  const to = parameters.to === undefined ? ok(startOfUtcDay(now) + DAY_MS) : parseDay('to', parameters.to);
  const errors = [from, to].flatMap((r) => (r.ok ? [] : [r.error]));
  if (!from.ok || !to.ok) return err(errors);
  return dayRange(from.value, to.value);
};

/** A validated history query. */
export interface HistoryQuery {
  readonly userId: string;
  readonly range: DayRange;
  readonly granularity: Granularity;
  /** Activity types to include; `null` includes every type. */
  readonly types: ReadonlySet<string> | null;
}

/** The parameters of `GET /users/{userId}/activity`, as they arrive. */
export interface HistoryParameters extends RangeParameters {
  readonly granularity?: string | undefined;
  readonly type?: string | undefined;
}

const TYPE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Validates a history request, naming every bad parameter, an unknown one included: pass the
 * whole query string, not only the known parameters.
 *
 * @example
 * ```ts
 * parseHistoryQuery('u-1', { from: '2026-01-01', granularity: 'month', type: 'track.played' }, Date.now());
 * ```
 */
export const parseHistoryQuery = (
  userId: string,
  parameters: HistoryParameters,
  now: number,
): Result<HistoryQuery, FieldError[]> => {
  const errors: FieldError[] = unknownParameters(parameters, HISTORY_PARAMETER_NAMES);
  const range = parseDayRange(parameters, now);
  if (!range.ok) errors.push(...range.error);
  const granularity = (parameters.granularity ?? 'total') as Granularity;
  if (!GRANULARITIES.includes(granularity)) {
    errors.push({ path: 'granularity', message: `granularity must be one of ${GRANULARITIES.join(', ')}` });
  }
  let types: Set<string> | null = null;
  if (parameters.type !== undefined) {
    types = new Set(parameters.type.split(','));
    const bad = [...types].filter((type) => !TYPE.test(type));
    if (bad.length > 0 || types.size === 0) {
      errors.push({
        path: 'type',
        message: 'type must be a comma-separated list of activity types (lowercase a-z 0-9 . _ -)',
      });
    }
  }
  if (range.ok && errors.length === 0) {
    const buckets = countBuckets(range.value.from, range.value.to, granularity);
    if (buckets > MAX_BUCKETS) {
      errors.push({
        path: 'granularity',
        message: `the range holds ${buckets} ${granularity} buckets, more than ${MAX_BUCKETS}: narrow from/to or use a coarser granularity`,
      });
    }
  }
  if (errors.length > 0 || !range.ok) return err(errors);
  return ok({ userId, range: range.value, granularity, types });
};
