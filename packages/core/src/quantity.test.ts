import { describe, expect, it } from 'vitest';
import { formatQuantityMicros, fromQuantityMicros, toQuantityMicros } from './quantity.js';

describe('toQuantityMicros', () => {
  it.each([
    [2.5, 2_500_000n],
    [1, 1_000_000n],
    [0.000001, 1n],
    [0.1, 100_000n],
    [1_000_000, 1_000_000_000_000n],
    [123.456789, 123_456_789n],
  ])('gives %s as %s millionths', (quantity, micros) => {
    // Act
    const result = toQuantityMicros(quantity);

    // Assert
    expect(result).toBe(micros);
  });

  it.each([
    [0.0000025, 3n],
    [0.0000015, 2n],
    [1.0000005, 1_000_001n],
    [5e-7, 1n],
    [1e-7, 0n],
    [4.9e-7, 0n],
    [-0.0000025, -3n],
  ])('rounds %s to the nearest millionth, halves away from zero: %s', (quantity, micros) => {
    // Act
    const result = toQuantityMicros(quantity);

    // Assert
    expect(result).toBe(micros);
  });

  it('reads exponent spellings above a unit', () => {
    // Act
    const result = toQuantityMicros(1.5e21);

    // Assert
    expect(result).toBe(1_500_000_000_000_000_000_000_000_000n);
  });

  it('refuses a quantity that is not finite', () => {
    // Act and assert
    expect(() => toQuantityMicros(Number.NaN)).toThrow(RangeError);
    expect(() => toQuantityMicros(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('fromQuantityMicros', () => {
  it('gives the quantity as a double', () => {
    // Act and assert
    expect(fromQuantityMicros(2_500_000n)).toBe(2.5);
    expect(fromQuantityMicros(300_000n)).toBe(0.3);
    expect(fromQuantityMicros(0n)).toBe(0);
    expect(fromQuantityMicros(-1n)).toBe(-0.000001);
  });

  it('gives the nearest double for sums beyond 2^53 millionths', () => {
    // Arrange: 2^53 + 1 millionths cannot be held by a double, so dividing it would round twice.
    const micros = 9_007_199_254_740_993n;

    // Act
    const quantity = fromQuantityMicros(micros);

    // Assert
    expect(quantity).toBe(Number('9007199254.740993'));
    expect(fromQuantityMicros(10n ** 16n)).toBe(10_000_000_000);
  });
});

describe('formatQuantityMicros', () => {
  it('writes the integer millionths as a decimal string, exact at any size', () => {
    // Act and assert
    expect(formatQuantityMicros(2_500_000n)).toBe('2500000');
    expect(formatQuantityMicros(0n)).toBe('0');
    expect(formatQuantityMicros(10n ** 30n + 1n)).toBe('1000000000000000000000000000001');
  });
});
