import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorMessage, readHealth } from '../../src/api-client.js';
import { eventsOf, postEvents, readTotals } from './support/api-client.js';
import { type LocalProcess, startLocalProcess } from './support/local-process.js';

const MAIN_PATH = fileURLToPath(new URL('../../../local/src/main.ts', import.meta.url));

const USERS = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e'];
const PER_USER = 200;
const BATCH_SIZE = 10;
/** Shards of the stream the test creates. */
const SHARDS = 2;

const processed = async (url: string) => {
  const health = await readHealth({ url, token: null });
  if (!health.ok || health.body.figures === null)
    throw new Error(`no /health figures: ${errorMessage(health)}`);
  return health.body.figures.process;
};

const totalCount = async (url: string) =>
  (await Promise.all(USERS.map((user) => readTotals(url, user)))).reduce((sum, t) => sum + t.count, 0);

let dataDir: string;
let running: LocalProcess | null = null;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-'));
});
afterEach(async () => {
  // Stopped as an operator would, so that what it started (a nats-server) stops with it; SIGKILL
  // only when it does not stop in time.
  const last = running;
  running = null;
  if (last !== null && last.child.exitCode === null && last.child.signalCode === null) {
    last.child.kill('SIGTERM');
    const force = setTimeout(() => last.child.kill('SIGKILL'), 15_000);
    await last.exited();
    clearTimeout(force);
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe.each(['emulators', 'postgres'])(
  'pnpm start as a process on the %s backend: signals and a crash',
  (backend) => {
    it('drains on SIGTERM, exits 0, and after SIGKILL resumes without loss or double counting', async () => {
      const env = {
        ACTIVITY_BACKEND: backend,
        ACTIVITY_DATA_DIR: dataDir,
        ACTIVITY_STREAM_SHARDS: String(SHARDS),
        ACTIVITY_POLLER_BATCH_SIZE: String(BATCH_SIZE),
      };
      running = await startLocalProcess(env);
      const first = running;
      expect(first.output()).toContain('NO TOKEN CHECK');
      for (const user of USERS) {
        expect((await postEvents(first.url, eventsOf(user, PER_USER, 'one'))).status).toBe(202);
      }
      await expect
        .poll(() => totalCount(first.url), { timeout: 30_000, interval: 200 })
        .toBe(USERS.length * PER_USER);

      first.child.kill('SIGTERM');
      expect(await first.exited()).toBe(0);
      expect(first.output()).toContain('stopped cleanly');

      // One record per batch: the second wave drains slowly, so the kill most likely lands mid-drain;
      // what is asserted below holds wherever it lands.
      running = await startLocalProcess({ ...env, ACTIVITY_POLLER_BATCH_SIZE: '1' });
      const second = running;
      expect(await totalCount(second.url)).toBe(USERS.length * PER_USER);
      for (const user of USERS) {
        expect((await postEvents(second.url, eventsOf(user, PER_USER, 'two'))).status).toBe(202);
      }
      const countedBeforeKill = await totalCount(second.url);
      second.child.kill('SIGKILL');
      expect(await second.exited()).toBe('SIGKILL');

      running = await startLocalProcess(env);
      const third = running;
      await expect
        .poll(() => totalCount(third.url), { timeout: 30_000, interval: 200 })
        .toBe(USERS.length * PER_USER * 2);
      const afterRestart = await processed(third.url);

      // It resumed at its checkpoints: what was counted before the kill is not processed again, but
      // for the batches in flight at the kill (one record each, at most one per shard).
      expect(afterRestart.stored + afterRestart.duplicates).toBeLessThanOrEqual(
        USERS.length * PER_USER * 2 - countedBeforeKill + SHARDS,
      );
      expect(afterRestart.duplicates).toBeLessThanOrEqual(SHARDS);
      for (const user of USERS) {
        expect(await readTotals(third.url, user)).toMatchObject({
          count: 2 * PER_USER,
          quantity: 4 * PER_USER,
        });
      }
    }, 120_000);
  },
);

describe('pnpm start as a process: how it is stopped', () => {
  it('stops everything on SIGTERM to the pid of pnpm start, as a process manager sends it', async () => {
    // Arrange
    running = await startLocalProcess({ ACTIVITY_BACKEND: 'memory' }, 'pnpm start');
    const started = running;
    expect((await readHealth({ url: started.url, token: null })).ok).toBe(true);

    // Act
    started.child.kill('SIGTERM');

    // Assert
    expect(await started.exited()).toBe(0);
    expect(started.output()).toContain('stopped cleanly');
    await expect(fetch(`${started.url}/health`)).rejects.toThrow();
  }, 60_000);

  it('stops when its parent goes away without passing a signal on', async () => {
    // Arrange: a shell between this test and local mode, killed with SIGKILL (nothing is forwarded).
    const port = String(20_000 + (process.pid % 10_000));
    const shell = spawn(
      'sh',
      ['-c', `${process.execPath} --conditions=@activity-history/source --import tsx ${MAIN_PATH} & wait`],
      {
        env: { ...process.env, PORT: port, ACTIVITY_BACKEND: 'memory', LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      },
    );
    const url = `http://127.0.0.1:${port}`;
    await expect
      .poll(
        () =>
          fetch(`${url}/health`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 30_000 },
      )
      .toBe(200);

    // Act
    shell.kill('SIGKILL');

    // Assert
    await expect
      .poll(
        () =>
          fetch(`${url}/health`).then(
            () => 'serving',
            () => 'stopped',
          ),
        { timeout: 15_000, interval: 250 },
      )
      .toBe('stopped');
  }, 60_000);
});
