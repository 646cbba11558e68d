/**
 * Quantities are summed in millionths, as integers, so that a total does not depend on the order
 * in which events were added (floating-point addition is not associative) and counters recomputed
 * from stored events equal counters built incrementally, to the last digit. A `bigint`, because a
 * sum has no upper bound: past 2^53 millionths a `number` would silently lose units.
 */
export type QuantityMicros = bigint;

const MICROS_DIGITS = 6;
const MICROS_PER_UNIT = 10n ** BigInt(MICROS_DIGITS);

/** A double's shortest decimal spelling, as `String` writes it: `2.5`, `1e-7`, `1.5e+21`. */
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * The event quantity in millionths: its shortest decimal spelling rounded to the nearest millionth,
 * halves away from zero, in decimal arithmetic. `quantity * 1e6` in floating point would round
 * twice (`0.0000025 * 1e6` is `2.4999999999999996`), so a half would sometimes go down.
 *
 * @example
 * ```ts
 * toQuantityMicros(2.5); // 2_500_000n
 * toQuantityMicros(0.0000025); // 3n
 * toQuantityMicros(5e-7); // 1n
 * ```
 */
export const toQuantityMicros = (quantity: number): QuantityMicros => {
  if (!Number.isFinite(quantity)) throw new RangeError(`a quantity must be finite, got ${quantity}`);
  const negative = quantity < 0;
  const m = DECIMAL.exec(String(Math.abs(quantity)));
  if (m === null) throw new RangeError(`unexpected spelling of the quantity ${quantity}`);
  const fraction = m[2] ?? '';
  const digits = BigInt(`${m[1]}${fraction}`);
  // digits * 10^shift is the quantity in millionths.
  const shift = Number(m[3] ?? 0) - fraction.length + MICROS_DIGITS;
  let micros: bigint;
  if (shift >= 0) micros = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    micros = digits / divisor;
    if ((digits % divisor) * 2n >= divisor) micros += 1n;
  }
  return negative ? -micros : micros;
};

/**
 * A sum in millionths as the nearest double, the JSON number the API returns beside the exact
 * string. Parsed from its decimal spelling, because `Number(micros) / 1e6` rounds twice and can
 * miss the nearest double for large sums.
 *
 * @example
 * ```ts
 * fromQuantityMicros(2_500_000n); // 2.5
 * ```
 */
export const fromQuantityMicros = (micros: QuantityMicros): number => {
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const whole = magnitude / MICROS_PER_UNIT;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(MICROS_DIGITS, '0');
  return Number(`${negative ? '-' : ''}${whole}.${fraction}`);
};

/**
 * A sum in millionths as the API's `quantityMicros`: the decimal string of the integer, exact
 * whatever its size (JSON numbers are doubles to most clients).
 *
 * @example
 * ```ts
 * formatQuantityMicros(2_500_000n); // '2500000'
 * ```
 */
export const formatQuantityMicros = (micros: QuantityMicros): string => micros.toString();
