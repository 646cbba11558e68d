/**
 * Code units no store can hold as text: U+0000 (PostgreSQL refuses it in `text` and `jsonb`) and
 * lone surrogates (UTF-8 cannot encode them; encoders swap them for U+FFFD, so what is read back
 * differs from what was written). With the `u` flag a surrogate pair is one code point, so the class
 * matches only lone surrogates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what must be found.
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/gu;
const UNSTORABLE_ONE = new RegExp(UNSTORABLE.source, 'u');

/**
 * Whether a string is valid Unicode that every store can hold: no lone surrogate, no U+0000.
 *
 * @example
 * ```ts
 * isStorableText('😀'); // true
 * isStorableText('\uD800'); // false
 * ```
 */
export const isStorableText = (text: string): boolean => !UNSTORABLE_ONE.test(text);

/**
 * Text that came from a client or a stream record, made safe to keep beside an error: U+0000 and
 * lone surrogates become U+FFFD, and text longer than `maxLength` UTF-16 units is cut, never
 * between the two halves of a surrogate pair, and ends with `marker` (counted in `maxLength`).
 *
 * @example
 * ```ts
 * storableText('x'.repeat(500), 10, '…'); // 'xxxxxxxxx…'
 * storableText(`${'x'.repeat(9)}😀`, 10); // 'xxxxxxxxx' (the pair is not split)
 * ```
 */
export const storableText = (text: string, maxLength: number, marker = ''): string => {
  const clean = isStorableText(text) ? text : text.replace(UNSTORABLE, '\uFFFD');
  if (clean.length <= maxLength) return clean;
  let end = maxLength - marker.length;
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return clean.slice(0, end) + marker;
};
