/**
 * Quantities are summed in millionths, as integers, so that a total does not depend on the order
 * in which events were added (floating-point addition is not associative) and counters recomputed
 * from stored events equal counters built incrementally, to the last digit.
 */
export type QuantityMicros = number;

const MICROS_PER_UNIT = 1_000_000;

/**
 * The event quantity in millionths, rounded to the nearest millionth.
 *
 * @example
 * ```ts
 * toQuantityMicros(2.5); // 2_500_000
 * ```
 */
export const toQuantityMicros = (quantity: number): QuantityMicros => Math.round(quantity * MICROS_PER_UNIT);

/**
 * A summed quantity as the number the API returns.
 *
 * @example
 * ```ts
 * fromQuantityMicros(2_500_000); // 2.5
 * ```
 */
export const fromQuantityMicros = (micros: QuantityMicros): number => micros / MICROS_PER_UNIT;
