import { describe, expect, it } from 'vitest';
import { isStorableText, storableText } from './storable-text.js';

describe('isStorableText', () => {
  it.each(['', 'plain', '😀', '\uFFFD', '\u{10FFFF}', '\u0001\t'])('holds for %j', (text) => {
    // Act
    const storable = isStorableText(text);

    // Assert
    expect(storable).toBe(true);
  });

  it.each(['\uD800', 'a\uDC00', '\uDE00\uD83D', '\u0000', 'x\u0000y'])('fails for %j', (text) => {
    // Act
    const storable = isStorableText(text);

    // Assert
    expect(storable).toBe(false);
  });
});

describe('storableText', () => {
  it('keeps short valid text as it is', () => {
    // Act
    const kept = storableText('calm 😀', 10, '…');

    // Assert
    expect(kept).toBe('calm 😀');
  });

  it('replaces U+0000 and lone surrogates with U+FFFD, keeping the length', () => {
    // Act
    const cleaned = storableText('a\u0000b\uD800c😀', 20);

    // Assert
    expect(cleaned).toBe('a\uFFFDb\uFFFDc😀');
  });

  it('cuts long text to the length, the marker included', () => {
    // Act
    const cut = storableText('x'.repeat(500), 10, '…');

    // Assert
    expect(cut).toBe(`${'x'.repeat(9)}…`);
  });

  it.each<[string, number, string, string]>([
    ['with no marker', 10, '', 'x'.repeat(9)],
    ['with a marker', 11, '…', `${'x'.repeat(9)}…`],
  ])('cuts before a surrogate pair the cut would split, %s', (_, maxLength, marker, expected) => {
    // Arrange: the pair is units 9 and 10, the cut falls between them
    const text = `${'x'.repeat(9)}😀y`;

    // Act
    const cut = storableText(text, maxLength, marker);

    // Assert
    expect(cut).toBe(expected);
  });
});
