import type { Clock, HealthBody } from '@activity-history/core';
import { createLogger } from '@activity-history/handlers';
import { describe, expect, it } from 'vitest';
import { startLocalPipeline } from '../src/local-pipeline.js';

/** The system clock, shifted: a pipeline on it reports the shifted time wherever time shows. */
const shiftedClock = (offsetMs: number): Clock => ({
  now: () => Date.now() + offsetMs,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

describe('startLocalPipeline', () => {
  it('runs every part on the clock it is given', async () => {
    // Arrange
    const offsetMs = 400 * 86_400_000;
    const pipeline = await startLocalPipeline({
      backend: 'memory',
      port: 0,
      clock: shiftedClock(offsetMs),
      logger: createLogger({ level: 'silent' }),
    });
    try {
      // Act
      const health = await fetch(`${pipeline.url}/health`);
      const { window } = (await health.json()) as HealthBody;

      // Assert
      expect(pipeline.clock.now() - Date.now()).toBeGreaterThanOrEqual(offsetMs - 1_000);
      expect(Math.abs(Date.parse(window.to) - (Date.now() + offsetMs))).toBeLessThan(60_000);
    } finally {
      await pipeline.close();
    }
  });
});
