import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MemoryMetrics } from '@activity-history/adapters-memory';
import { type HttpResponse, jsonResponse, requestedWindowMs } from '@activity-history/handlers';
import type { GatewayPage as LocalPage } from '@activity-history/http-gateway';

/** What the dashboard needs. */
export interface DashboardOptions {
  /** Local mode's metrics store, whose series draw the tiles' charts. */
  readonly metrics: Pick<MemoryMetrics, 'series'>;
  /** What `/` answers a client that does not ask for HTML (curl, a script): the JSON index. */
  readonly index: LocalPage;
  /** The series' window when the page does not name one (default 60 s). */
  readonly defaultWindowMs?: number;
}

/** Charts of about 30 points: enough to see a change, few enough to read at a glance. */
const POINTS = 30;
const STEPS_MS = [1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000];

/**
 * The series step for a window: the smallest round step giving at most {@link POINTS} points.
 *
 * @example
 * ```ts
 * seriesStepMs(60_000); // 2000
 * seriesStepMs(900_000); // 30000
 * ```
 */
export const seriesStepMs = (windowMs: number): number =>
  STEPS_MS.find((step) => windowMs / step <= POINTS) ?? STEPS_MS.at(-1)!;

const inlineHash = (html: string, tag: 'script' | 'style'): string => {
  const match = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  if (match === null) throw new Error(`the dashboard page has no <${tag}>`);
  return `'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`;
};

/**
 * The page, read once, and its Content-Security-Policy: the browser runs only the page's own
 * script and style (pinned by hash) and talks only to this server, so nothing can come from a CDN
 * or leave for one, even by mistake.
 */
const loadPage = (): HttpResponse => {
  const html = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
  const policy = [
    "default-src 'none'",
    `script-src ${inlineHash(html, 'script')}`,
    `style-src ${inlineHash(html, 'style')}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
    },
    body: html,
  };
};

/** Whether the client asked for HTML (a browser) rather than taking anything (curl, fetch). */
const wantsHtml = (accept: string | undefined): boolean => accept?.includes('text/html') ?? false;

/**
 * Local mode's dashboard, as pages for the local server: `/` is the single pane (the stages as a
 * flow with their rates and health, a tile per stage with figures and a chart, the diagnosis of a
 * user and an event's trace; see docs/drills.md) for browsers and the JSON index for other
 * clients; `/dashboard/series?windowMs=` is the per-step series the charts are drawn from (window
 * held within 10 s - 15 min, about 30 steps).
 *
 * @example
 * ```ts
 * const pages = new Map([...dashboardPages({ metrics, index }), ['/openapi.json', openApiPage]]);
 * ```
 */
export const dashboardPages = (options: DashboardOptions): ReadonlyMap<string, LocalPage> => {
  const page = loadPage();
  const defaultWindowMs = options.defaultWindowMs ?? 60_000;
  return new Map<string, LocalPage>([
    ['/', (url, headers) => (wantsHtml(headers.accept) ? page : options.index(url, headers))],
    [
      '/dashboard/series',
      (url) => {
        const windowMs = requestedWindowMs(url.searchParams.get('windowMs') ?? undefined, defaultWindowMs);
        return jsonResponse(200, options.metrics.series({ windowMs, stepMs: seriesStepMs(windowMs) }));
      },
    ],
  ]);
};
