import { describe, expect, it } from 'vitest';
import { httpApiEvent } from './support/aws-events.js';
import { memoryPipeline } from './support/memory-pipeline.js';
import { expectHealth } from './support/openapi-conformance.js';

describe('GET /health?windowMs=', () => {
  const healthWindow = async (query: Record<string, string>) => {
    const { handlers } = memoryPipeline();
    const response = await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health', query }));
    const { window } = expectHealth(response);
    return Date.parse(window.to) - Date.parse(window.from);
  };

  it('reports over the window asked for, held within 10 s - 15 min, else the configured one', async () => {
    expect(await healthWindow({ windowMs: '300000' })).toBe(300_000);
    expect(await healthWindow({ windowMs: '5' })).toBe(10_000);
    expect(await healthWindow({ windowMs: '3600000' })).toBe(900_000);
    expect(await healthWindow({ windowMs: 'soon' })).toBe(60_000);
    expect(await healthWindow({})).toBe(60_000);
  });
});
