import { describe, expect, it } from 'vitest';
import {
  DIAGNOSIS_PARAMETER_NAMES,
  dayRange,
  HISTORY_PARAMETER_NAMES,
  MAX_BUCKETS,
  parseDayRange,
  parseDiagnosisRange,
  parseHistoryQuery,
  unknownParameters,
} from './day-range.js';
import { DAY_MS } from './time-bucket.js';

const NOW = Date.parse('2026-03-01T12:34:56.789Z');
const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

describe('parseDayRange', () => {
  describe('defaults', () => {
    it.each<[string, string, string]>([
      ['2026-03-01T12:34:56.789Z', '2026-01-01', '2026-03-02'],
      ['2026-01-01T00:00:01Z', '2026-01-01', '2026-01-02'],
      ['2026-12-31T23:59:59.999Z', '2026-01-01', '2027-01-01'],
      // At midnight the range still reaches to the next day: events may be up to 5 minutes ahead.
      ['2026-03-01T00:00:00.000Z', '2026-01-01', '2026-03-02'],
    ])('at %s, runs from the start of the UTC year %s to the next UTC day %s', (now, from, to) => {
      // Act
      const range = parseDayRange({}, Date.parse(now));

      // Assert
      expect(range).toEqual({ ok: true, value: { from: day(from), to: day(to) } });
    });

    it('defaults each bound on its own', () => {
      // Act
      const onlyFrom = parseDayRange({ from: '2025-06-01' }, NOW);
      const onlyTo = parseDayRange({ to: '2026-02-01' }, NOW);

      // Assert
      expect(onlyFrom).toEqual({ ok: true, value: { from: day('2025-06-01'), to: day('2026-03-02') } });
      expect(onlyTo).toEqual({ ok: true, value: { from: day('2026-01-01'), to: day('2026-02-01') } });
    });
  });

  it.each([
    '2024-02-29',
    '2024-02-29T00:00:00Z',
    '2024-02-29T00:00:00.000Z',
    '2024-02-29T00:00:00+00:00',
    '2024-02-29t00:00:00z',
  ])('reads %s as the UTC midnight it names', (from) => {
    // Act
    const range = parseDayRange({ from, to: '2024-03-01' }, NOW);

    // Assert
    expect(range).toEqual({ ok: true, value: { from: day('2024-02-29'), to: day('2024-03-01') } });
  });

  it.each([
    ['an impossible date', '2026-02-30'],
    ['February 29th of a common year', '2023-02-29'],
    ['month 13', '2026-13-01'],
    ['a timestamp after midnight', '2026-01-01T00:00:01Z'],
    ['midnight in another offset', '2026-01-01T00:00:00+01:00'],
    ['a timestamp without an offset', '2026-01-01T00:00:00'],
    ['a compact date', '20260101'],
    ['a word', 'yesterday'],
    ['an empty value', ''],
  ])('refuses %s, naming the parameter and echoing the value', (_, value) => {
    // Act
    const fromResult = parseDayRange({ from: value, to: '2027-01-01' }, NOW);
    const toResult = parseDayRange({ from: '2025-01-01', to: value }, NOW);

    // Assert
    expect(fromResult).toEqual({
      ok: false,
      error: [
        {
          path: 'from',
          message: `from must be a date (YYYY-MM-DD) or a timestamp at 00:00:00Z, got "${value}"`,
        },
      ],
    });
    expect(toResult).toMatchObject({
      ok: false,
      error: [{ path: 'to', message: expect.stringMatching(/^to must be/) }],
    });
  });

  it('echoes at most 40 characters of a bad value', () => {
    // Act
    const range = parseDayRange({ from: 'x'.repeat(1000) }, NOW);

    // Assert
    expect(range).toMatchObject({
      ok: false,
      error: [{ path: 'from', message: expect.stringContaining(`"${'x'.repeat(40)}"`) }],
    });
    expect(range.ok ? '' : range.error[0]!.message).not.toContain('x'.repeat(41));
  });

  it('names both parameters when both are bad', () => {
    // Act
    const range = parseDayRange({ from: 'a', to: 'b' }, NOW);

    // Assert
    expect(range.ok ? [] : range.error.map((e) => e.path)).toEqual(['from', 'to']);
  });

  it.each([
    ['equal bounds', '2026-02-01', '2026-02-01'],
    ['from after to', '2026-02-02', '2026-02-01'],
    ['a default from after the given to', undefined, '2025-12-31'],
  ])('refuses %s: from must be before to', (_, from, to) => {
    // Act
    const range = parseDayRange({ from, to }, NOW);

    // Assert
    expect(range).toEqual({ ok: false, error: [{ path: 'from', message: 'from must be before to' }] });
  });
});

describe('dayRange', () => {
  it('makes a range of two UTC midnights', () => {
    // Act
    const range = dayRange(day('2026-01-01'), day('2026-01-02'));

    // Assert
    expect(range).toEqual({ ok: true, value: { from: day('2026-01-01'), to: day('2026-01-02') } });
  });

  it('refuses bounds that are not UTC midnights, naming each', () => {
    // Act
    const range = dayRange(day('2026-01-01') + 1, day('2026-01-02') - 1);

    // Assert
    expect(range).toEqual({
      ok: false,
      error: [
        { path: 'from', message: 'from must be a UTC day boundary (00:00:00Z)' },
        { path: 'to', message: 'to must be a UTC day boundary (00:00:00Z)' },
      ],
    });
  });
});

describe('parseHistoryQuery', () => {
  it('defaults to the total of the current year with every type', () => {
    // Act
    const query = parseHistoryQuery('u-1', {}, NOW);

    // Assert
    expect(query).toEqual({
      ok: true,
      value: {
        userId: 'u-1',
        range: { from: day('2026-01-01'), to: day('2026-03-02') },
        granularity: 'total',
        types: null,
      },
    });
  });

  it.each(['day', 'week', 'month', 'year', 'total'])('accepts the granularity %s', (granularity) => {
    // Act
    const query = parseHistoryQuery('u-1', { granularity }, NOW);

    // Assert
    expect(query).toMatchObject({ ok: true, value: { granularity } });
  });

  it.each(['hour', 'Day', '', 'days'])(
    'refuses the granularity %j, naming it and the allowed values',
    (granularity) => {
      // Act
      const query = parseHistoryQuery('u-1', { granularity }, NOW);

      // Assert
      expect(query).toEqual({
        ok: false,
        error: [{ path: 'granularity', message: 'granularity must be one of day, week, month, year, total' }],
      });
    },
  );

  it('reads a comma-separated list of types as a set', () => {
    // Act
    const query = parseHistoryQuery('u-1', { type: 'track.played,page.read,track.played' }, NOW);

    // Assert
    expect(query.ok && [...(query.value.types ?? [])]).toEqual(['track.played', 'page.read']);
  });

  it.each([
    ['an empty list', ''],
    ['an empty item', 'track.played,,page.read'],
    ['a trailing comma', 'track.played,'],
    ['an uppercase type', 'Track.Played'],
    ['a type with a space', 'track played'],
    ['a 65-character type', 't'.repeat(65)],
  ])('refuses %s of types, naming the parameter', (_, type) => {
    // Act
    const query = parseHistoryQuery('u-1', { type }, NOW);

    // Assert
    expect(query).toMatchObject({
      ok: false,
      error: [{ path: 'type', message: expect.stringMatching(/^type must be/) }],
    });
  });

  it.each<[string, string, string, string, number]>([
    ['3 years by day', '2023-01-01', '2026-01-01', 'day', 1096],
    ['1,001 days by day', '2024-01-01', '2026-09-28', 'day', 1001],
    ['84 years by month', '1942-01-01', '2026-01-01', 'month', 1008],
  ])('refuses %s: more than 1,000 buckets', (_, from, to, granularity, buckets) => {
    // Arrange
    const parameters = { from, to, granularity };

    // Act
    const query = parseHistoryQuery('u-1', parameters, NOW);

    // Assert
    expect(query).toEqual({
      ok: false,
      error: [
        {
          path: 'granularity',
          message: `the range holds ${buckets} ${granularity} buckets, more than ${MAX_BUCKETS}: narrow from/to or use a coarser granularity`,
        },
      ],
    });
  });

  it('accepts exactly 1,000 day buckets, and 3 years by week', () => {
    // Arrange
    const from = day('2024-01-01');
    const to = new Date(from + 1000 * DAY_MS).toISOString().slice(0, 10);

    // Act
    const byDay = parseHistoryQuery('u-1', { from: '2024-01-01', to, granularity: 'day' }, NOW);
    const byWeek = parseHistoryQuery(
      'u-1',
      { from: '2023-01-01', to: '2026-01-01', granularity: 'week' },
      NOW,
    );

    // Assert
    expect(byDay.ok).toBe(true);
    expect(byWeek.ok).toBe(true);
  });

  it('names every bad parameter at once', () => {
    // Act
    const query = parseHistoryQuery('u-1', { from: 'x', granularity: 'hour', type: 'A' }, NOW);

    // Assert
    expect(query.ok ? [] : query.error.map((e) => e.path)).toEqual(['from', 'granularity', 'type']);
  });

  it('refuses an unknown parameter, naming it, instead of giving the default', () => {
    // Act
    const query = parseHistoryQuery('u-1', { granulrity: 'day' } as Record<string, string>, NOW);

    // Assert
    expect(query.ok).toBe(false);
    expect(query.ok ? [] : query.error).toEqual([
      {
        path: 'granulrity',
        message: expect.stringContaining('unknown query parameter "granulrity"'),
      },
    ]);
  });

  it('names an unknown parameter beside the bad known ones', () => {
    // Act
    const query = parseHistoryQuery(
      'u-1',
      { from: 'x', tpye: 'a', granularity: 'hour' } as Record<string, string>,
      NOW,
    );

    // Assert
    expect(query.ok ? [] : query.error.map((e) => e.path)).toEqual(['tpye', 'from', 'granularity']);
  });
});

describe('unknownParameters', () => {
  it('accepts the known parameters of each endpoint', () => {
    // Act
    const history = unknownParameters(
      { from: 'a', to: 'b', granularity: 'c', type: 'd' },
      HISTORY_PARAMETER_NAMES,
    );
    const diagnosis = unknownParameters({ from: 'a', to: 'b' }, DIAGNOSIS_PARAMETER_NAMES);

    // Assert
    expect(history).toEqual([]);
    expect(diagnosis).toEqual([]);
  });

  it('names each unknown parameter, prototype member names included', () => {
    // Act
    const errors = unknownParameters(
      { constructor: 'x', toString: 'y', from: 'z' },
      DIAGNOSIS_PARAMETER_NAMES,
    );

    // Assert
    expect(errors.map((e) => e.path)).toEqual(['constructor', 'toString']);
    expect(errors[0]?.message).toContain('unknown query parameter "constructor"');
  });
});

describe('parseDiagnosisRange', () => {
  it('reads from and to like parseDayRange', () => {
    // Act
    const range = parseDiagnosisRange({ from: '2026-01-01', to: '2026-02-01' }, NOW);

    // Assert
    expect(range).toEqual(parseDayRange({ from: '2026-01-01', to: '2026-02-01' }, NOW));
    expect(range.ok).toBe(true);
  });

  it('refuses a parameter other than from and to, with the errors of a bad bound', () => {
    // Act
    const range = parseDiagnosisRange({ granularity: 'day', from: 'x' } as Record<string, string>, NOW);

    // Assert
    expect(range.ok ? [] : range.error.map((e) => e.path)).toEqual(['granularity', 'from']);
  });
});
