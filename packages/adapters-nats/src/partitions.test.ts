import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionOf } from './partitions.js';

describe('partitionOf', () => {
  it('is FNV-1a of the UTF-8 bytes, pinned (a change would move users to other partitions mid-stream)', () => {
    // The published FNV-1a (32 bits) test vectors: '' and 'a'.
    expect(partitionOf('', 2 ** 32)).toBe(0x811c9dc5);
    expect(partitionOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(partitionOf('u-1', 2 ** 32)).toBe(4281602306);
    expect(partitionOf('u-1', 4)).toBe(4281602306 % 4);
  });

  it('stays within 0..partitions-1 and spreads users', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (user, partitions) => {
        const partition = partitionOf(user, partitions);
        expect(Number.isInteger(partition) && partition >= 0 && partition < partitions).toBe(true);
      }),
      { numRuns: 200 },
    );
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`user-${i}`, 8)));
    expect(used.size).toBe(8);
  });
});
