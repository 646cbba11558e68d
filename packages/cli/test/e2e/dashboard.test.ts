import { randomUUID } from 'node:crypto';
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
/** A browser far from UTC with a 12-hour locale: the page must still write UTC, 24-hour. */
const BROWSER_CONTEXT = {
  viewport: { width: 1366, height: 900 },
  timezoneId: 'America/Los_Angeles',
  locale: 'en-US',
};
/** The page's one time convention: `2026-03-02 12:00:05 UTC`. */
const UTC_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
/** A long id, the kind that used to break mid-string in the rejected-events table. */
const LONG_ID = randomUUID();

const post = (url: string, events: readonly unknown[]) => postActivities({ url, token: null }, events);

const healthFigures = async (url: string): Promise<PipelineFigures> => {
  const health = await readHealth({ url, token: null });
  if (!health.ok || health.body.figures === null)
    throw new Error(`no /health figures: ${errorMessage(health)}`);
  return health.body.figures;
};

/** How an element is laid out: its text's line boxes, line height and white-space rule. */
const layoutOf = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const style = getComputedStyle(element);
      const range = document.createRange();
      range.selectNodeContents(element);
      return {
        lines: new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size,
        whiteSpace: style.whiteSpace,
        fontFamily: style.fontFamily,
        title: element.getAttribute('title'),
        height: element.getBoundingClientRect().height,
        lineHeight: Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.5,
      };
    });

/** A trace answer as the event-trace route describes it, for the page to render. */
const sampleTrace = (userId: string, eventId: string) => ({
  userId,
  eventId,
  stored: {
    event: {
      eventId,
      userId,
      type: 'play',
      occurredAt: '2026-03-02T11:58:00Z',
      quantity: 1.25,
      attributes: {},
    },
    day: '2026-03-02',
    buckets: { day: '2026-03-02', week: '2026-W10', month: '2026-03', year: '2026' },
  },
  quarantined: [
    {
      reason: 'conflict',
      errors: [{ path: 'quantity', message: 'differs from the stored version (1.25)' }],
      at: '2026-03-02T12:00:05Z',
      correlationId: LONG_ID,
    },
  ],
  counter: {
    day: '2026-03-02',
    agrees: true,
    counter: { count: 40, quantity: 70 },
    events: { count: 40, quantity: 70 },
  },
  logs: null,
});

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

  /**
   * A page far from UTC whose requests and console complaints are recorded; `tolerate` names the
   * complaint a test provokes on purpose (Chromium logs every 404 a fetch receives).
   */
  const openPage = async (tolerate?: RegExp) => {
    const opened = await browser.newPage(BROWSER_CONTEXT);
    // A locator that finds nothing fails within the test's time, naming what it waited for.
    opened.setDefaultTimeout(10_000);
    opened.on('request', (request) => {
      if (!request.url().startsWith(pipeline.url) && !request.url().startsWith('data:'))
        elsewhere.push(request.url());
    });
    opened.on('console', (message) => {
      if (message.type() === 'error' && !tolerate?.test(message.text())) consoleErrors.push(message.text());
    });
    return opened;
  };

  beforeAll(async () => {
    pipeline = await startLocalPipeline({
      backend: 'memory',
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await openPage();

    // 40 valid events and an invalid one (refused at ingest), then a conflicting resend of the
    // first, and two records written straight to the stream: not JSON, and an invalid event with a
    // long id (quarantined by the processor, so the user's rejected events show it).
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
          eventId: LONG_ID,
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

  it('shows the pipeline as a flow of five stages, each with its rate over the window and its health', async () => {
    const nodes = page.locator('[data-testid="flow"] > li');

    expect(
      await nodes.evaluateAll((all) =>
        all.map((n) => [n.getAttribute('data-testid'), n.getAttribute('data-status')]),
      ),
    ).toEqual(['ingest', 'stream', 'process', 'store', 'query'].map((stage) => [`flow-${stage}`, 'ok']));
    const rate = (stage: string) =>
      page.locator(`[data-testid="flow-${stage}"] [data-field="rate"]`).textContent();
    // Per second over the 60 s window: 41 events accepted and written, 40 stored, 2 reads.
    expect(await rate('ingest')).toBe('0.68 events/s');
    expect(await rate('stream')).toBe('0.68 records/s');
    expect(await rate('process')).toBe('0.67 events/s');
    expect(await rate('store')).toBe('0.67 events/s');
    expect(await rate('query')).toBe('0.03 requests/s');
    expect(await page.locator('[data-testid="flow-store"] [data-field="state"]').textContent()).toContain(
      'ok',
    );
  });

  it('draws each trend on labelled axes with units and reads the values under the pointer', async () => {
    const chart = page.getByTestId('chart-ingest');
    expect(await chart.locator('[data-axis="y"]').textContent()).toBe('invocations/s');
    expect(await chart.locator('[data-axis="x"]').textContent()).toBe('time (UTC), 2 s steps');
    const ticks = await chart.locator('text:not(.axis-title)').allTextContents();
    expect(ticks.filter((t) => /^\d{2}:\d{2}:\d{2}$/.test(t)).length).toBe(4);
    const box = await chart.boundingBox();
    expect(box!.height).toBeGreaterThan(140);

    const readouts: string[] = [];
    for (let x = box!.x + (box!.width * 46) / 420; x < box!.x + box!.width; x += box!.width / 40) {
      await page.mouse.move(x, box!.y + box!.height / 2);
      readouts.push((await page.getByTestId('readout-ingest').textContent()) ?? '');
    }

    for (const readout of readouts)
      expect(readout).toMatch(
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \(\+2 s\): invocations [\d.]+\/s, errors [\d.]+\/s$/,
      );
    // The two ingest requests show where they were: somewhere the rate is above zero.
    expect(readouts.some((r) => /invocations (?!0\/s)[\d.]+\/s/.test(r))).toBe(true);
    expect(await chart.locator('.cursor').getAttribute('visibility')).toBe('visible');
    await page.mouse.move(0, 0);
  });

  it('writes every time in UTC, 24-hour, with the zone, in a browser set to Los Angeles', async () => {
    const updated = (await page.getByTestId('updated').textContent())!.replace(/^updated /, '');
    const window = (await page.getByTestId('window-text').textContent())!.split(' – ');

    expect(updated).toMatch(UTC_TIME);
    expect(Math.abs(Date.parse(updated.replace(' ', 'T').replace(' UTC', 'Z')) - Date.now())).toBeLessThan(
      15_000,
    );
    expect(window).toHaveLength(2);
    for (const end of window) expect(end).toMatch(UTC_TIME);
    expect((await page.locator('header, main').allTextContents()).join(' ')).not.toMatch(/\b[AP]M\b/);
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
    expect(await page.getByTestId('diagnosis-window').textContent()).toMatch(/^.+ UTC – .+ UTC$/);
    for (const at of await page.getByTestId('rejected-at').allTextContents()) expect(at).toMatch(UTC_TIME);
  });

  it('keeps a reason and a long id each on one line, the id in monospace with all of it in its title', async () => {
    await page.goto(`${pipeline.url}/?user=${LISTENER}`);
    await expect.poll(() => page.getByTestId('user').textContent(), SOON).toBe(LISTENER);

    for (const width of [1366, 800]) {
      await page.setViewportSize({ width, height: 900 });

      const reason = await layoutOf(page, '[data-testid="rejected"] code.reason:text-is("conflict")');
      const id = await layoutOf(page, `[data-testid="rejected"] button[data-copy="${LONG_ID}"]`);

      expect([width, reason.whiteSpace, reason.lines]).toEqual([width, 'nowrap', 1]);
      expect([width, id.whiteSpace, id.lines]).toEqual([width, 'nowrap', 1]);
      expect(id.height).toBeLessThan(id.lineHeight * 1.5);
      expect(id.fontFamily).toMatch(/monospace/);
      expect(id.title).toBe(`${LONG_ID} (click to copy)`);
    }
    await page.setViewportSize(BROWSER_CONTEXT.viewport);
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
    const shared = await openPage();

    await shared.goto(`${pipeline.url}/?user=${LISTENER}&window=300000`);

    await expect.poll(() => shared.getByTestId('user').textContent(), SOON).toBe(LISTENER);
    expect(await shared.getByTestId('api-count').textContent()).toBe(String(model.totals(LISTENER).count));
    expect(await shared.locator('#window').inputValue()).toBe('300000');
    await shared.close();
  });

  it("traces the conflicting resend through the pipeline's own event trace: the stored version stands, the resend is set aside", async () => {
    const tracing = await openPage();
    await tracing.goto(`${pipeline.url}/?user=${LISTENER}`);
    const resent = listenerEvents[0]!;

    await tracing.locator('#trace-event').fill(resent.eventId);
    await tracing.getByRole('button', { name: 'Trace', exact: true }).click();

    const panel = tracing.getByTestId('trace');
    await expect.poll(() => panel.getAttribute('data-state'), SOON).toBe('shown');
    expect(await panel.locator('[data-field="version"]').textContent()).toContain(
      `quantity ${resent.quantity}`,
    );
    expect(
      await panel.locator('[data-testid="trace-quarantined"] [data-testid="reason"]').allTextContents(),
    ).toEqual(['conflict']);
    expect(await panel.getByTestId('trace-counter').getAttribute('data-agrees')).toBe('true');
    await tracing.close();
  });

  it('traces an event from its rejected row and from the form, and says when tracing is not available', async () => {
    const tracing = await openPage(/status of 404/);
    const asked: string[] = [];
    await tracing.route('**/users/*/events/*', (route) => {
      const [, , userId, , eventId] = new URL(route.request().url()).pathname.split('/');
      asked.push(`${userId}/${eventId}`);
      return route.fulfill({ json: sampleTrace(decodeURIComponent(userId!), decodeURIComponent(eventId!)) });
    });
    await tracing.goto(`${pipeline.url}/?user=${LISTENER}`);

    await tracing.locator(`[data-testid="rejected"] button[data-trace="${LONG_ID}"]`).click();

    const panel = tracing.getByTestId('trace');
    await expect.poll(() => panel.getAttribute('data-state'), SOON).toBe('shown');
    expect(asked).toEqual([`${LISTENER}/${LONG_ID}`]);
    expect(await panel.locator('[data-field="version"]').textContent()).toBe(
      'play, quantity 1.25, occurred 2026-03-02 11:58:00 UTC',
    );
    expect(await panel.locator('[data-field="day"]').textContent()).toBe('2026-03-02');
    expect(await panel.locator('[data-field="buckets"]').textContent()).toBe(
      'day 2026-03-02 · week 2026-W10 · month 2026-03 · year 2026',
    );
    expect(
      await panel.locator('[data-testid="trace-quarantined"] [data-testid="reason"]').allTextContents(),
    ).toEqual(['conflict']);
    expect(await panel.getByTestId('trace-at').textContent()).toBe('2026-03-02 12:00:05 UTC');
    expect(
      await panel.locator(`[data-testid="trace-quarantined"] button[data-copy="${LONG_ID}"]`).count(),
    ).toBe(1);
    expect(await panel.getByTestId('trace-counter').getAttribute('data-agrees')).toBe('true');

    await tracing.unroute('**/users/*/events/*');
    await tracing.route('**/users/*/events/*', (route) =>
      route.fulfill({
        status: 404,
        json: { error: { code: 'not_found', message: 'no route GET /users/x/events/y' } },
      }),
    );
    await tracing.locator('#trace-event').fill('play-3');
    await tracing.getByRole('button', { name: 'Trace', exact: true }).click();

    await expect.poll(() => panel.getAttribute('data-state'), SOON).toBe('unavailable');
    expect(await panel.getByTestId('trace-unavailable').textContent()).toBe('event trace not available');
    await tracing.close();
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
    // The flow shows it before anything is read: the store node is red and says so.
    const storeNode = page.getByTestId('flow-store');
    expect(await storeNode.getAttribute('data-status')).toBe('fail');
    expect(await storeNode.locator('[data-field="state"]').textContent()).toContain('FAILING');
    expect(await storeNode.evaluate((node) => getComputedStyle(node).borderColor)).toBe('rgb(207, 34, 46)');
    expect(await page.getByTestId('flow-query').getAttribute('data-status')).toBe('ok');
    // The store's chart reads by keyboard too: from the latest step back to one with failures.
    const storeChart = page.getByTestId('chart-store');
    await storeChart.focus();
    const readout = () => page.getByTestId('readout-store').textContent();
    expect(await readout()).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \(\+2 s\): failed requests [\d.]+\/s$/,
    );
    for (let step = 0; step < 30 && /failed requests 0\/s$/.test((await readout())!); step++)
      await storeChart.press('ArrowLeft');
    expect(await readout()).toMatch(/failed requests (?!0\/s)[\d.]+\/s$/);
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: SCREENSHOT, fullPage: true });

    store.faults.throttle('off');
  });

  it('loads nothing from anywhere but the pipeline and breaks no content-security rule', () => {
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
