import { describe, expect, it } from 'vitest';
import { METRICS_WINDOW_BOUNDS, requestedWindowMs } from './metrics-window.js';

describe('requestedWindowMs', () => {
  it('takes a whole number of milliseconds within the bounds as asked', () => {
    expect(requestedWindowMs('300000', 60_000)).toBe(300_000);
    expect(requestedWindowMs(' 45000 ', 60_000)).toBe(45_000);
  });

  it('holds a window outside the bounds at the nearest bound', () => {
    expect(requestedWindowMs('1', 60_000)).toBe(METRICS_WINDOW_BOUNDS.minMs);
    expect(requestedWindowMs('0', 60_000)).toBe(10_000);
    expect(requestedWindowMs('86400000', 60_000)).toBe(METRICS_WINDOW_BOUNDS.maxMs);
  });

  it('falls back to the configured window when the parameter is absent or not a whole number', () => {
    for (const value of [undefined, '', 'abc', '-5', '1.5', '1e5', '9'.repeat(20)]) {
      expect(requestedWindowMs(value, 7_000)).toBe(7_000);
    }
  });
});
