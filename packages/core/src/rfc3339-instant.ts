/**
 * The one reading of RFC 3339 timestamps every event's `occurredAt` goes through, and the spelling
 * an instant is normalized to.
 */

/** The ASCII digit at `i`, or NaN, which fails every range check it reaches. */
const digitAt = (text: string, i: number): number => {
  const digit = text.charCodeAt(i) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
};

const twoDigitsAt = (text: string, i: number): number => digitAt(text, i) * 10 + digitAt(text, i + 1);

const HYPHEN = 45;
const COLON = 58;
const DOT = 46;

/**
 * Parses an RFC 3339 timestamp with an explicit offset into epoch milliseconds, or `null` when the
 * text is not one or names an impossible date (February 30th, hour 24, offset +25:00). The form
 * is `YYYY-MM-DDTHH:MM:SS`, an optional fraction of a second (kept to the millisecond, truncated),
 * then `Z` or `+hh:mm` / `-hh:mm`; `T` and `Z` may be lowercase. It is read character by
 * character: it runs for every event, and a regular expression's captures cost several times more.
 *
 * @example
 * ```ts
 * parseRfc3339('2026-01-01T01:00:00+01:00'); // Date.UTC(2026, 0, 1)
 * ```
 */
export const parseRfc3339 = (text: string): number | null => {
  if (text.length < 20) return null;
  const dateTimeSeparators =
    text.charCodeAt(4) === HYPHEN &&
    text.charCodeAt(7) === HYPHEN &&
    text.charCodeAt(13) === COLON &&
    text.charCodeAt(16) === COLON;
  if (!dateTimeSeparators || (text[10] !== 'T' && text[10] !== 't')) return null;
  // Written as "in range" tests, so that a NaN (a character that is not a digit) fails them.
  const year = twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return null;
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return null;
  let end = 19;
  let fraction = 0;
  if (text.charCodeAt(end) === DOT) {
    for (let scale = 100; ++end < text.length; scale = Math.floor(scale / 10)) {
      const digit = digitAt(text, end);
      if (Number.isNaN(digit)) break;
      fraction += digit * scale;
    }
    if (end === 20) return null;
  }
  const local =
    ((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fraction;
  const zone = text[end];
  if ((zone === 'Z' || zone === 'z') && end + 1 === text.length) return local;
  if ((zone !== '+' && zone !== '-') || end + 6 !== text.length || text.charCodeAt(end + 3) !== COLON)
    return null;
  const offsetHours = twoDigitsAt(text, end + 1);
  const offsetMinutes = twoDigitsAt(text, end + 4);
  if (!(offsetHours <= 23 && offsetMinutes <= 59)) return null;
  const sign = zone === '-' ? -1 : 1;
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const daysInMonth = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1]!;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, in integer arithmetic: several times faster
 * than `Date.UTC` plus a `Date` to check the result (this runs for every event), and right for
 * years 0-99, which `Date.UTC` reads as 1900-1999. The algorithm counts in 400-year eras of
 * 146,097 days, with years starting on March 1st so that the leap day is the last of the year.
 */
const daysSinceEpoch = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

/**
 * The normalized spelling of an instant (`toISOString`). Events from ingest arrive spelled so
 * already; then the text is kept rather than rebuilt, which costs more than the rest of the check.
 */
export const normalizedInstant = (text: string, ms: number): string =>
  text.length === 24 && text[10] === 'T' && text[19] === '.' && text[23] === 'Z'
    ? text
    : new Date(ms).toISOString();
