import { createManualClock, createMemoryMetrics } from '@activity-history/adapters-memory';
import { DEFAULT_THRESHOLDS, judgeProcessor } from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { LOCAL_THRESHOLDS } from '../src/local-pipeline.js';

describe('LOCAL_THRESHOLDS', () => {
  it('reads a process function healthy at local speed, where AWS thresholds would call it slow', async () => {
    // Arrange: batches of 2.7 s, as an ordinary `pnpm demo` gives over the emulators.
    const clock = createManualClock(Date.UTC(2026, 2, 2, 12));
    const metrics = createMemoryMetrics({ clock, retentionMs: 600_000 });
    for (let i = 0; i < 20; i++) {
      metrics.record({ kind: 'invocation', stage: 'process', outcome: 'ok', durationMs: 2_700 });
    }
    const figures = await metrics.read(60_000);

    // Act
    const local = judgeProcessor(figures, LOCAL_THRESHOLDS);
    const aws = judgeProcessor(figures, DEFAULT_THRESHOLDS);

    // Assert
    expect(local.status).toBe('ok');
    expect(aws.status).toBe('warn');
  });
});
