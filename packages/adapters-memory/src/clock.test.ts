import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';

describe('createManualClock', () => {
  it('moves only when advanced, set or slept on, and a sleep resolves at once', async () => {
    const clock = createManualClock(1_000);

    await clock.sleep(250);
    clock.advance(50);
    const afterMoves = clock.now();
    clock.set(10);

    expect(afterMoves).toBe(1_300);
    expect(clock.now()).toBe(10);
  });
});
