/** The escapes JSON.stringify writes as two characters (`\b \t \n \f \r`); other controls take six. */
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/** UTF-8 bytes of a string as JSON.stringify writes it: quoted, escaped, lone surrogates as `\uXXXX`. */
const stringBytes = (value: string): number => {
  let bytes = 2;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code < 0x80) bytes += code === 0x22 || code === 0x5c ? 2 : 1;
    else if (code < 0x20) bytes += SHORT_ESCAPES.has(code) ? 2 : 6;
    else if (code < 0x800) bytes += 2;
    else if (code < 0xd800 || code > 0xdfff) bytes += 3;
    else if (code <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 6;
  }
  return bytes;
};

const isPlainRecord = (value: object): value is Record<string, unknown> => {
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
};

/**
 * The length in UTF-8 bytes of `JSON.stringify(value)`, counted without building the text: the
 * event size limit is checked for every event the processor reads, and serializing it again only
 * to measure it cost more than parsing it. Anything but plain data (a `toJSON` method, a class
 * instance) is measured by serializing it.
 *
 * @example
 * ```ts
 * jsonByteLength({ a: 'é' }); // 10, as new TextEncoder().encode('{"a":"é"}').length
 * ```
 */
export const jsonByteLength = (value: unknown): number => {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      if (value === null) return 4;
      if (Array.isArray(value) && !('toJSON' in value)) {
        let bytes = 1 + Math.max(0, value.length - 1) + 1;
        // Array items that JSON cannot hold are written as null.
        for (const item of value) bytes += isSerialized(item) ? jsonByteLength(item) : 4;
        return bytes;
      }
      if (isPlainRecord(value)) {
        let bytes = 2;
        let members = 0;
        for (const key in value) {
          const item = value[key];
          if (!Object.hasOwn(value, key) || !isSerialized(item)) continue;
          bytes += (members++ === 0 ? 0 : 1) + stringBytes(key) + 1 + jsonByteLength(item);
        }
        return bytes;
      }
      return new TextEncoder().encode(JSON.stringify(value)).byteLength;
    default:
      return 0;
  }
};

/** JSON.stringify leaves out object members whose value is undefined, a function or a symbol. */
const isSerialized = (value: unknown): boolean =>
  value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
