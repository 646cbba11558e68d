import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ActivityHistoryBody } from '@activity-history/core';
import {
  type ApiTarget,
  apiUrlOf,
  errorMessage,
  LOCAL_URL,
  postActivities,
  readHistory,
  unreachable,
} from './api-client.js';
import { type DemoEvent, demoTraffic, type ExpectedTotals } from './demo-traffic.js';
import { type Output, progressReport } from './progress.js';
import { textTable } from './terminal-table.js';

/** The streams a command writes to. */
export interface CommandIo {
  readonly out: Output;
  readonly err: Output;
}

const USAGE = `usage: pnpm demo [--url ${LOCAL_URL}] [--users 300] [--token <bearer>] [--wait 120]

Sends a day of traffic for --users users (several activity types, some duplicates, some invalid
events, two conflicts) in batches of 500, waits until the counts are visible, and prints a few
users' histories. Each run has users of its own (listener-<run>-001...), so runs on kept data
add up correctly. The URL: --url, else ACTIVITY_API_URL, else local mode on PORT, else ${LOCAL_URL}.
The token: --token, else ACTIVITY_TOKEN.`;

const BATCH = 500;
const PARALLEL_REQUESTS = 4;
const MAX_SENDS = 8;

const MICROS_PER_HUNDREDTH = 10_000n;

/** Runs `work` over the items with at most `parallel` at a time. */
const forEach = async <T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The window the demo's day falls in: from the UTC day 24 hours ago to the end of today. */
const windowOf = (now: number) => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(now - 86_400_000), to: day(now + 86_400_000) };
};

/**
 * `pnpm demo`: sends a realistic day of traffic to a deployment (local mode by default), waits
 * until every user's count is visible, and prints a few users' histories. Returns the exit code:
 * 0 when every count came out exact, 1 otherwise, 2 for bad arguments.
 *
 * @example
 * ```ts
 * process.exitCode = await runDemo(['--users', '50'], { out: process.stdout, err: process.stderr });
 * ```
 */
export const runDemo = async (
  argv: readonly string[],
  io: CommandIo,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> => {
  let values: { url?: string; users?: string; token?: string; wait?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        users: { type: 'string' },
        token: { type: 'string' },
        wait: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const users = Number(values.users ?? 300);
  const waitSeconds = Number(values.wait ?? 120);
  if (values.help || !Number.isInteger(users) || users < 1 || users > 100_000 || !(waitSeconds > 0)) {
    io.err.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const api = apiUrlOf(values.url, env);
  const target: ApiTarget = { url: api.url, token: values.token ?? env.ACTIVITY_TOKEN ?? null };
  const now = Date.now();
  const run = randomBytes(3).toString('hex');
  const traffic = demoTraffic({ users, run, now, random: Math.random });
  io.out.write(
    `demo run ${run}: ${users} users, ${traffic.counts.valid} events (+${traffic.counts.duplicates} duplicates, ` +
      `${traffic.counts.invalid} invalid, ${traffic.counts.conflicts} conflicts) to ${target.url}\n`,
  );

  const tally = { accepted: 0, rejected: 0, resent: 0 };
  const send = async (events: readonly unknown[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const response = await postActivities(target, events);
      const body = response.body;
      if (response.status === 202 || response.status === 400) {
        if (response.status === 400 && !Array.isArray(body?.rejected))
          throw new Error(errorMessage(response));
        tally.accepted += body?.accepted?.length ?? 0;
        tally.rejected += body?.rejected?.length ?? 0;
        return;
      }
      // 503: the stream refused some events; resending the whole request is safe (counted once).
      if (response.status !== 503 || attempt === MAX_SENDS) throw new Error(errorMessage(response));
      tally.resent++;
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
    }
  };
  const batches: unknown[][] = [];
  for (let i = 0; i < traffic.events.length; i += BATCH)
    batches.push(traffic.events.slice(i, i + BATCH) as unknown[]);
  const sending = progressReport(io.out, 'sending', traffic.events.length);
  const started = performance.now();
  let sent = 0;
  try {
    await forEach(batches, PARALLEL_REQUESTS, async (batch) => {
      await send(batch);
      sent += batch.length;
      sending.update(sent, `${Math.round(sent / ((performance.now() - started) / 1000))} events/s`);
    });
    // The conflicting versions go last, so the first versions are the ones stored.
    await send(traffic.conflicts);
  } catch (error) {
    sending.finish('failed');
    io.err.write(
      error instanceof TypeError
        ? `demo: ${unreachable(api, error)}\n`
        : `demo: the API refused the traffic: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  sending.finish(
    `${tally.accepted} accepted, ${tally.rejected} rejected as invalid` +
      `${tally.resent > 0 ? `, ${tally.resent} requests resent after 503` : ''}, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const window = windowOf(now);
  const pending = new Map(traffic.expected);
  const seen = new Map<string, ActivityHistoryBody>();
  const counting = progressReport(io.out, 'counting', users);
  const deadline = Date.now() + waitSeconds * 1000;
  // On the exact sum: the JSON number is only the nearest double.
  const matches = (history: ActivityHistoryBody, expected: ExpectedTotals) =>
    history.totals.count === expected.count &&
    BigInt(history.totals.quantityMicros) === BigInt(expected.quantityHundredths) * MICROS_PER_HUNDREDTH;
  while (pending.size > 0 && Date.now() < deadline) {
    await forEach([...pending.keys()], 16, async (userId) => {
      const response = await readHistory(target, userId, window);
      if (!response.ok) return;
      const history = response.body;
      seen.set(userId, history);
      if (matches(history, pending.get(userId)!)) pending.delete(userId);
    });
    counting.update(users - pending.size, 'users with exact counts');
    if (pending.size > 0) await sleep(250);
  }
  if (pending.size > 0) {
    counting.finish(`${pending.size} users still differ after ${waitSeconds} s`);
    for (const [userId, expected] of [...pending].slice(0, 5)) {
      const got = seen.get(userId)?.totals;
      io.err.write(
        `  ${userId}: expected ${expected.count} events / ${expected.quantityHundredths / 100}, ` +
          `API shows ${got?.count ?? '?'} / ${got?.quantity ?? '?'}\n`,
      );
    }
    return 1;
  }
  counting.finish(`every count is exact (${traffic.counts.valid} events over ${users} users)`);

  // The busiest user, a typical one, and one whose event was set aside as a conflict.
  const byCount = [...traffic.expected].sort((a, b) => b[1].count - a[1].count).map(([userId]) => userId);
  const conflicted = (traffic.conflicts[0] as DemoEvent | undefined)?.userId;
  const shown = [
    ...new Set([
      byCount[0]!,
      byCount[byCount.length >> 1]!,
      ...(conflicted === undefined ? [] : [conflicted]),
    ]),
  ];
  for (const userId of shown) {
    const { totals } = seen.get(userId)!;
    io.out.write(`\n${userId}: ${totals.count} events, quantity ${totals.quantity}\n`);
    io.out.write(
      `${textTable(
        [{ header: 'type' }, { header: 'count', right: true }, { header: 'quantity', right: true }],
        Object.entries(totals.byType)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, t]) => [type, String(t.count), String(t.quantity)]),
      )}\n`,
    );
  }
  if (conflicted !== undefined) {
    io.out.write(`\nSee why ${conflicted} had an event set aside: pnpm run doctor ${conflicted}\n`);
  }
  return 0;
};
