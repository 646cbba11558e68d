import { fileURLToPath } from 'node:url';
import { dayRange, type PipelineFigures } from '@activity-history/core';
import { createLogger } from '@activity-history/handlers';
import { type LocalPipeline, startLocalPipeline } from '@activity-history/local';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorMessage, postActivities, readHealth } from '../../src/api-client.js';
import { createAcceptedModel, type DrillEvent, drillEvents } from '../../src/drills/drill-traffic.js';

/** Debian's Chromium (`.ci/run` installs it); playwright-core never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SCREENSHOT = fileURLToPath(new URL('../../../../docs/dashboard.png', import.meta.url));
const LISTENER = 'listener-42';
const READER = 'reader-7';
const SOON = { timeout: 10_000, interval: 100 };

const post = (url: string, events: readonly unknown[]) => postActivities({ url, token: null }, events);

const healthFigures = async (url: string): Promise<PipelineFigures> => {
  const health = await readHealth({ url, token: null });
  if (!health.ok || health.body.figures === null)
    throw new Error(`no /health figures: ${errorMessage(health)}`);
  return health.body.figures;
};

/** The text of a tile's figure, as the page shows it. */
const figure = (page: Page, tile: string, field: string) =>
  page.locator(`[data-testid="tile-${tile}"] [data-field="${field}"]`).textContent();

describe('the dashboard, in Chromium', () => {
  let pipeline: LocalPipeline;
  let browser: Browser;
  let page: Page;
  const model = createAcceptedModel();
  /** Requests the page made that did not go to the pipeline, and what the console complained of. */
  const elsewhere: string[] = [];
  const consoleErrors: string[] = [];
  let listenerEvents: DrillEvent[];

  beforeAll(async () => {
    pipeline = await startLocalPipeline({
      backend: 'memory',
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(pipeline.url) && !request.url().startsWith('data:'))
        elsewhere.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    // 40 valid events and an invalid one (refused at ingest), then a conflicting resend of the
    // first, and two records written straight to the stream: not JSON, and an invalid event.
    listenerEvents = drillEvents(LISTENER, 40, 'play', Date.now());
    const first = await post(pipeline.url, [
      ...listenerEvents,
      { ...listenerEvents[0], eventId: 'x', quantiy: 3 },
    ]);
    for (const { index } of first.body?.accepted ?? []) model.accept(listenerEvents[index]!);
    const conflict = await post(pipeline.url, [{ ...listenerEvents[0]!, quantity: 99 }]);
    expect([first.status, conflict.status]).toEqual([202, 202]);
    const stream = pipeline.backend.memory!.stream;
    stream.appendRaw(LISTENER, new TextEncoder().encode('{"truncated'));
    stream.appendRaw(
      LISTENER,
      new TextEncoder().encode(
        JSON.stringify({
          eventId: 'raw-1',
          userId: LISTENER,
          type: 'Bad Type',
          occurredAt: new Date().toISOString(),
        }),
      ),
    );
    await vi.waitFor(async () => {
      const f = await healthFigures(pipeline.url);
      expect([f.process.stored, f.rejections, f.stream.pendingRecords]).toEqual([
        40,
        { invalid_event: 1, conflict: 1, malformed_record: 1, unstorable: 0 },
        0,
      ]);
    }, SOON);
    // Two reads of the history: one answered, one refused for its parameter (a 400 is no error).
    const days = `from=${new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)}`;
    expect((await fetch(`${pipeline.url}/users/${LISTENER}/activity?${days}`)).status).toBe(200);
    expect((await fetch(`${pipeline.url}/users/${LISTENER}/activity?granularity=hour`)).status).toBe(400);
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  });

  it('shows a tile per stage with the live figures of what was sent', async () => {
    await page.goto(`${pipeline.url}/`);

    await expect.poll(() => figure(page, 'process', 'stored'), SOON).toBe('40');
    expect(await figure(page, 'ingest', 'invocations')).toBe('2');
    expect(await figure(page, 'ingest', 'accepted')).toBe('41');
    expect(await figure(page, 'ingest', 'errors')).toBe('0');
    expect(await figure(page, 'ingest', 'p95')).toMatch(/^\d+(\.\d)? ms$/);
    expect(await figure(page, 'process', 'rejected-conflict')).toBe('1');
    expect(await figure(page, 'process', 'rejected-invalid_event')).toBe('1');
    expect(await figure(page, 'process', 'rejected-malformed_record')).toBe('1');
    expect(await figure(page, 'stream', 'pending')).toBe('0');
    expect(await figure(page, 'store', 'throttled')).toBe('0');
    expect(await figure(page, 'query', 'invocations')).toBe('2');
    expect(await figure(page, 'query', 'errors')).toBe('0');
    expect(await figure(page, 'dead-letters', 'depth')).toBe('0');
    const tiles = page.locator('[data-testid^="tile-"]');
    expect(await tiles.evaluateAll((all) => all.map((t) => t.getAttribute('data-status')))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    expect(await page.getByTestId('pipeline-verdict').textContent()).toBe('healthy');
    // Each tile draws its trend: the ingest line rises where the two requests were.
    expect(await page.locator('[data-testid="tile-ingest"] svg polyline').count()).toBeGreaterThan(0);
  });

  it('answers each question of a user lookup: API totals, rejected events with their reasons, no drift', async () => {
    await page.locator('#user').fill(LISTENER);
    await page.getByRole('button', { name: 'Diagnose' }).click();

    await expect.poll(() => page.getByTestId('user-verdict').textContent(), SOON).toBe('healthy');
    const expected = model.totals(LISTENER);
    expect(await page.getByTestId('api-count').textContent()).toBe(String(expected.count));
    expect(await page.getByTestId('api-quantity').textContent()).toBe(String(expected.quantity));
    expect(await page.getByTestId('suspect').textContent()).toBe('none');
    const checks = await page
      .locator('[data-testid="checks"] tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [row.getAttribute('data-check'), row.getAttribute('data-status')]),
      );
    expect(checks).toEqual(
      ['api', 'query', 'store', 'counters', 'processor', 'stream', 'ingest'].map((id) => [id, 'ok']),
    );
    const reasons = await page.locator('[data-testid="rejected"] [data-testid="reason"]').allTextContents();
    expect(reasons.toSorted()).toEqual(['conflict', 'invalid_event', 'malformed_record']);
    await expect.poll(() => page.getByTestId('drift-none').count()).toBe(1);
    expect(new URL(page.url()).search).toBe(`?user=${LISTENER}`);
  });

  it('shows the drift and blames the counters when a counter is altered, until repaired', async () => {
    const store = pipeline.backend.memory!.store;
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const range = dayRange(today - 2 * 86_400_000, today + 86_400_000);
    if (!range.ok) throw new Error('bad range');
    const [counter] = await store.readDailyCounters(LISTENER, range.value);
    // Counters are kept per type: the drift goes into the day's first type.
    const [type, tally] = [...counter!.summary.byType][0]!;
    await store.tamperCounter(LISTENER, counter!.day, {
      ...counter!.summary,
      count: counter!.summary.count + 5,
      byType: new Map(counter!.summary.byType).set(type, { ...tally, count: tally.count + 5 }),
    });

    await page.getByRole('button', { name: 'Diagnose' }).click();

    await expect.poll(() => page.getByTestId('suspect').textContent(), SOON).toBe('counters');
    expect(await page.getByTestId('user-verdict').textContent()).toBe('failing');
    const drift = await page.locator('[data-testid="drift"] tbody tr td').allTextContents();
    expect(drift[0]).toBe(counter!.day);
    expect(drift[1]).toMatch(new RegExp(`^${counter!.summary.count + 5} `));
    expect(drift[2]).toMatch(new RegExp(`^${counter!.summary.count} `));

    await store.repairCounters(LISTENER, range.value);
    await page.getByRole('button', { name: 'Diagnose' }).click();
    await expect.poll(() => page.getByTestId('suspect').textContent(), SOON).toBe('none');
  });

  it('opens the lookup directly from a shared link', async () => {
    const shared = await browser.newPage({ viewport: { width: 1366, height: 900 } });

    await shared.goto(`${pipeline.url}/?user=${LISTENER}&window=300000`);

    await expect.poll(() => shared.getByTestId('user').textContent(), SOON).toBe(LISTENER);
    expect(await shared.getByTestId('api-count').textContent()).toBe(String(model.totals(LISTENER).count));
    expect(await shared.locator('#window').inputValue()).toBe('300000');
    await shared.close();
  });

  it('makes the failing stage stand out and names it in the lookup', async () => {
    const store = pipeline.backend.memory!.store;
    store.faults.throttle('always');
    const events = drillEvents(READER, 12, 'page', Date.now());
    expect((await post(pipeline.url, events)).status).toBe(202);
    await expect.poll(async () => (await healthFigures(pipeline.url)).store.throttled > 0, SOON).toBe(true);

    await page.goto(`${pipeline.url}/?user=${READER}`);

    await expect.poll(() => page.getByTestId('suspect').textContent(), SOON).toBe('store');
    expect(await page.getByTestId('tile-store').getAttribute('data-status')).toBe('fail');
    expect(await page.getByTestId('tile-store').evaluate((tile) => getComputedStyle(tile).borderColor)).toBe(
      'rgb(207, 34, 46)',
    );
    expect(await page.getByTestId('pipeline-verdict').textContent()).toBe('failing');
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: SCREENSHOT, fullPage: true });

    store.faults.throttle('off');
  });

  it('loads nothing from anywhere but the pipeline and breaks no content-security rule', () => {
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
