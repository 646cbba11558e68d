import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, get, postEvents, totalsOf } from './support/api.js';
import { type Backends, startBackends } from './support/backends.js';
import { type RuntimeProcess, startRuntimeProcess } from './support/runtime-process.js';

const USERS = ['u-a', 'u-b', 'u-c', 'u-d'];
const PER_REQUEST = 20;
/** Requests answered before the SIGTERM, at least: the load goes on while it drains. */
const BEFORE_SIGTERM = 12;

let backends: Backends;
let running: RuntimeProcess | null = null;

beforeAll(async () => {
  backends = await startBackends();
}, 120_000);

afterAll(async () => {
  running?.child.kill('SIGKILL');
  await backends?.stop();
});

/** The figure a Prometheus counter shows, 0 before its first sample. */
const counterOf = async (url: string, name: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
};

describe('the runtime as a process: SIGTERM mid-load', () => {
  it('answers the requests in flight, checkpoints its batches, exits 0, and a restart counts each event once', async () => {
    // Small batches: the processor trails the load, so the stop lands with batches in flight.
    const env = { ...backends.env, ACTIVITY_POLLER_BATCH_SIZE: '5' };
    running = await startRuntimeProcess(env);
    const first = running;
    const tokens = new Map(
      await Promise.all(USERS.map(async (user) => [user, await backends.issuer.sign(user, '')] as const)),
    );
    /** Per user: events the runtime answered 202 for, and those whose request got no answer. */
    const accepted = new Map(USERS.map((user) => [user, 0]));
    const unanswered = new Map(USERS.map((user) => [user, 0]));
    const refusals: number[] = [];
    let answered = 0;
    let stopped = false;

    // One poster per user, each request a fresh set of event ids, until the runtime stops answering.
    const load = USERS.map(async (user) => {
      for (let request = 0; ; request++) {
        const events = eventsOf(user, PER_REQUEST, `r${request}`);
        try {
          const answer = await postEvents(first.url, tokens.get(user)!, events);
          if (answer.status === 202) accepted.set(user, accepted.get(user)! + PER_REQUEST);
          else refusals.push(answer.status);
          answered++;
        } catch {
          // No answer: refused at the closed port, or cut; whether it landed is unknown.
          unanswered.set(user, unanswered.get(user)! + PER_REQUEST);
          return;
        }
      }
    });
    // The stop comes once the processor is under way, so batches are in flight when it lands.
    let storedBeforeStop = 0;
    const deadline = Date.now() + 30_000;
    while (!stopped) {
      if (Date.now() > deadline) throw new Error('the first process stored nothing within 30 s');
      storedBeforeStop = await counterOf(first.url, 'activity_history_stored_events_total');
      stopped = answered >= BEFORE_SIGTERM && storedBeforeStop > 0;
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.child.kill('SIGTERM');
    await Promise.all(load);

    expect(await first.exited()).toBe(0);
    expect(first.output()).toContain('stopped cleanly');
    expect(refusals).toEqual([]);

    running = await startRuntimeProcess(env);
    const second = running;
    const admin = await backends.issuer.sign('operator', 'activity/admin');
    for (const user of USERS) {
      await expect
        .poll(async () => (await totalsOf(second.url, admin, user)).count, { timeout: 30_000, interval: 200 })
        .toBeGreaterThanOrEqual(accepted.get(user)!);
    }
    for (const user of USERS) {
      const { count, quantityMicros } = await totalsOf(second.url, admin, user);
      // Every accepted event is counted; of those that got no answer, each at most once.
      expect(count).toBeLessThanOrEqual(accepted.get(user)! + unanswered.get(user)!);
      expect(quantityMicros).toBe(String(count * 2_000_000));
      const diagnosis = await get(second.url, `/users/${user}/diagnosis`, admin);
      const counters = (diagnosis.body.checks as { id: string; status: string }[]).find(
        (c) => c.id === 'counters',
      );
      expect(counters?.status).toBe('ok');
    }
    // The first process checkpointed every batch it processed: the second meets none of them again,
    // and processes only what the first left.
    const total = [...accepted.values()].reduce((sum, n) => sum + n, 0);
    expect(storedBeforeStop).toBeGreaterThan(0);
    expect(await counterOf(second.url, 'activity_history_duplicate_events_total')).toBe(0);
    expect(await counterOf(second.url, 'activity_history_stored_events_total')).toBeLessThan(total);

    second.child.kill('SIGTERM');
    expect(await second.exited()).toBe(0);
  }, 120_000);
});
