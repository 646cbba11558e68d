import { describe, expect, it } from 'vitest';
import { integerVariable, variableOf } from './environment.js';

const PORT = { name: 'PORT', min: 0, max: 65_535 };

describe('variableOf', () => {
  it('trims a value and reads an unset or blank variable as unset', () => {
    expect(variableOf({ A: ' x y ' }, 'A')).toBe('x y');
    expect(variableOf({ A: ' \t' }, 'A')).toBeUndefined();
    expect(variableOf({}, 'A')).toBeUndefined();
  });
});

describe('integerVariable', () => {
  it('reads an integer at both ends of its range, and nothing from an unset variable', () => {
    expect(integerVariable({ PORT: '0' }, PORT)).toEqual({ ok: true, value: 0 });
    expect(integerVariable({ PORT: ' 65535 ' }, PORT)).toEqual({ ok: true, value: 65_535 });
    expect(integerVariable({ PORT: '' }, PORT)).toEqual({ ok: true, value: undefined });
  });

  it.each(['-1', '65536', '1.5', 'eighty'])('refuses %j, naming the variable and its rule', (text) => {
    expect(integerVariable({ PORT: text }, PORT)).toEqual({
      ok: false,
      error: `PORT must be an integer from 0 to 65535, not ${JSON.stringify(text)}`,
    });
  });
});
