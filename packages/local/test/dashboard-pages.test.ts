import { createManualClock, createMemoryMetrics } from '@activity-history/adapters-memory';
import { jsonResponse } from '@activity-history/handlers';
import { describe, expect, it } from 'vitest';
import { dashboardPages, seriesStepMs } from '../src/dashboard-pages.js';

/** "Now" of the tests: a Monday noon. */
const NOW = Date.parse('2026-03-02T12:00:00Z');

const setup = () => {
  const clock = createManualClock(NOW);
  const metrics = createMemoryMetrics({ clock, retentionMs: 15 * 60_000 });
  const pages = dashboardPages({ metrics, index: () => jsonResponse(200, { index: true }) });
  const get = (path: string, accept = '*/*') => {
    const url = new URL(path, 'http://127.0.0.1');
    return pages.get(url.pathname)!(url, { accept });
  };
  return { clock, metrics, get };
};

describe('dashboardPages', () => {
  it('serves the page to browsers, pinned by a Content-Security-Policy that allows only this server', async () => {
    const { get } = setup();

    const page = await get('/', 'text/html,application/xhtml+xml,*/*;q=0.8');

    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>activity-history: pipeline</title>');
    const policy = page.headers['content-security-policy']!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]{44}'/);
    // Nothing is loaded from elsewhere: no absolute URL in any src or href.
    expect(page.body).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//);
    // The policy allows neither inline handlers nor style attributes: the page must use neither.
    expect(policy).not.toMatch(/'unsafe-(?:inline|hashes)'/);
    expect(page.body).not.toMatch(/\son[a-z]+\s*=\s*["'`]/i);
    expect(page.body).not.toMatch(/\sstyle\s*=\s*["'`]/i);
  });

  it('answers other clients with the JSON index', async () => {
    const { get } = setup();

    const index = await get('/');

    expect(JSON.parse(index.body)).toEqual({ index: true });
  });

  it('serves the series over the window asked for, held within 10 s - 15 min, in about 30 steps', async () => {
    const { clock, metrics, get } = setup();
    metrics.record({ kind: 'invocation', stage: 'query', outcome: 'error', durationMs: 5 });
    clock.advance(1_000);

    const fiveMinutes = JSON.parse((await get('/dashboard/series?windowMs=300000')).body);
    const tooWide = JSON.parse((await get('/dashboard/series?windowMs=99999999')).body);
    const absent = JSON.parse((await get('/dashboard/series')).body);

    expect(fiveMinutes).toMatchObject({ windowMs: 300_000, stepMs: 10_000 });
    expect(fiveMinutes.points).toHaveLength(30);
    const queryErrors = fiveMinutes.points.map((p: { query: { errors: number } }) => p.query.errors);
    expect(queryErrors.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(tooWide).toMatchObject({ windowMs: 900_000, stepMs: 30_000 });
    expect(absent).toMatchObject({ windowMs: 60_000, stepMs: 2_000 });
  });

  it('picks a round step giving at most 30 points', () => {
    expect([10_000, 60_000, 300_000, 900_000].map(seriesStepMs)).toEqual([1_000, 2_000, 10_000, 30_000]);
  });
});
