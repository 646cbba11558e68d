import { describe, expect, it } from 'vitest';
import {
  capFieldErrors,
  type FieldError,
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_ERROR_PATH_LENGTH,
  MAX_FIELD_ERRORS,
} from './field-error.js';

const errorsOf = (count: number): FieldError[] =>
  Array.from({ length: count }, (_, i) => ({ path: `k${i}`, message: `k${i} is wrong` }));

describe('capFieldErrors', () => {
  it.each([0, 1, MAX_FIELD_ERRORS])('keeps a list of %d errors as it is', (count) => {
    // Act
    const capped = capFieldErrors(errorsOf(count));

    // Assert
    expect(capped).toEqual(errorsOf(count));
  });

  it.each([MAX_FIELD_ERRORS + 1, 5000])(
    'keeps the first 19 of %d errors and counts the rest in the 20th, at the first left out',
    (count) => {
      // Act
      const capped = capFieldErrors(errorsOf(count));

      // Assert
      expect(capped).toHaveLength(MAX_FIELD_ERRORS);
      expect(capped.slice(0, 19)).toEqual(errorsOf(19));
      expect(capped[19]).toEqual({
        path: 'k19',
        message: `${count - 19} more errors were left out, the first at "k19"`,
      });
    },
  );

  it('cuts long paths and messages, ending them with an ellipsis', () => {
    // Act
    const [capped] = capFieldErrors([{ path: 'p'.repeat(10_000), message: 'm'.repeat(10_000) }]);

    // Assert
    expect(capped).toEqual({
      path: `${'p'.repeat(MAX_ERROR_PATH_LENGTH - 1)}…`,
      message: `${'m'.repeat(MAX_ERROR_MESSAGE_LENGTH - 1)}…`,
    });
  });

  it('replaces U+0000 and lone surrogates a client put in a key', () => {
    // Act
    const [capped] = capFieldErrors([
      { path: 'attributes.a\u0000\uD800', message: '"a\u0000\uD800" is bad' },
    ]);

    // Assert
    expect(capped).toEqual({ path: 'attributes.a\uFFFD\uFFFD', message: '"a\uFFFD\uFFFD" is bad' });
  });

  it('changes nothing in a list it capped', () => {
    // Arrange
    const once = capFieldErrors(
      Array.from({ length: 100 }, (_, i) => ({ path: `${i}${'😀'.repeat(80)}`, message: '€'.repeat(300) })),
    );

    // Act
    const twice = capFieldErrors(once);

    // Assert
    expect(twice).toEqual(once);
  });
});
