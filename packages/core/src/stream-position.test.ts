import { describe, expect, it } from 'vitest';
import { compareSequences, samePosition, sequenceKey } from './stream-position.js';

describe('stream positions', () => {
  it('spells sequence numbers so that text order is numeric order, leading zeros aside', () => {
    expect(sequenceKey('42')).toBe('00242');
    expect(sequenceKey('000042')).toBe('00242');
    expect(sequenceKey('0')).toBe('0010');
    expect(sequenceKey('9') < sequenceKey('10')).toBe(true);
    expect(sequenceKey('49590338271490256608559692538361571095921575989136588898')).toBe(
      '05649590338271490256608559692538361571095921575989136588898',
    );
  });

  it('refuses what is not a decimal sequence number', () => {
    expect(() => sequenceKey('')).toThrow(RangeError);
    expect(() => sequenceKey('12a')).toThrow(/decimal digits/);
    expect(() => sequenceKey('1'.repeat(1000))).toThrow(
      `a stream sequence number is decimal digits, got "${'1'.repeat(40)}"`,
    );
    expect(sequenceKey('1'.repeat(999))).toBe(`999${'1'.repeat(999)}`);
  });

  it('orders sequence numbers by value', () => {
    expect(compareSequences('9', '10')).toBeLessThan(0);
    expect(compareSequences('10', '9')).toBeGreaterThan(0);
    expect(compareSequences('007', '7')).toBe(0);
  });

  it('names the same record by shard and value', () => {
    expect(samePosition({ shard: 's', sequence: '007' }, { shard: 's', sequence: '7' })).toBe(true);
    expect(samePosition({ shard: 's', sequence: '7' }, { shard: 't', sequence: '7' })).toBe(false);
    expect(samePosition({ shard: 's', sequence: '7' }, { shard: 's', sequence: '8' })).toBe(false);
  });
});
