import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ActivityHistoryError } from '@activity-history/core';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** The file, in a kept store directory, where the server writes its pid (`-P`). */
const PID_FILE = 'nats-server.pid';

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /**
   * Where JetStream keeps its streams. Given, the directory is kept at stop, so a server started on
   * it again finds every stream and message; left out, a fresh temporary directory, deleted at stop.
   */
  readonly storeDir?: string;
}

/** A nats-server with JetStream, started by {@link startNatsServer}. */
export interface RunningNatsServer {
  /** `127.0.0.1:<port>`, for `connect({ servers })`. */
  readonly server: string;
  /** Where its JetStream store is. */
  readonly storeDir: string;
  /** Stops the server (and deletes a temporary store directory). */
  stop(): Promise<void>;
}

/** `nats-server` is not on the `PATH`: nothing was started. */
export class NatsServerNotFoundError extends ActivityHistoryError {}

/** The line nats-server logs once it listens for clients, with the port it chose. */
const LISTENING = /Listening for client connections on [^\s]+:(\d+)/;

const children = new Set<ChildProcess>();
// A process that exits without calling stop() must not leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops a server still running on `storeDir` because its owner was killed before it could stop it
 * (SIGKILL leaves children running): two servers on one store would both write to it. The pid is
 * trusted only when the process's command line names nats-server and this store, so a pid reused
 * by another process is left alone; where there is no `/proc` nothing can be checked, and nothing
 * is stopped.
 */
const stopLeftover = async (storeDir: string): Promise<void> => {
  const pid = Number.parseInt(await readFile(join(storeDir, PID_FILE), 'utf8').catch(() => ''), 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = command.split('\0');
  if (!args[0]?.endsWith('nats-server') || !args.includes(storeDir)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isRunning(pid)) process.kill(pid, 'SIGKILL');
};

/**
 * Starts `nats-server -js` on 127.0.0.1 and a free port, and waits until it accepts connections.
 * The binary comes from the system (Debian's `nats-server`); when it is not on the `PATH` this
 * throws {@link NatsServerNotFoundError}. With a `storeDir` the store outlives the server, and a
 * server left running on it by a killed owner is stopped first.
 *
 * @example
 * ```ts
 * const nats = await startNatsServer({ storeDir: '.activity-history/nats' });
 * const nc = await connect({ servers: nats.server });
 * await nats.stop();
 * ```
 */
export const startNatsServer = async (options: NatsServerOptions = {}): Promise<RunningNatsServer> => {
  const kept = options.storeDir !== undefined;
  const storeDir =
    options.storeDir === undefined ? await mkdtemp(join(tmpdir(), 'nats-js-')) : resolve(options.storeDir);
  if (kept) {
    await mkdir(storeDir, { recursive: true });
    await stopLeftover(storeDir);
  }
  // `-p -1`: the server picks a free port itself and logs it, so no port is reserved and then raced for.
  const args = [
    '-js',
    '-a',
    HOST,
    '-p',
    '-1',
    '-sd',
    storeDir,
    ...(kept ? ['-P', join(storeDir, PID_FILE)] : []),
  ];
  const child = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: NodeJS.ErrnoException | null = null;
  child.once('error', (error) => {
    spawnError = error;
  });

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited(child)) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      children.delete(child);
      if (!kept) await rm(storeDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  /** The port, once the server logs that it listens; a failure to start stops it and throws. */
  const listening = async (): Promise<string> => {
    for (;;) {
      const port = LISTENING.exec(output)?.[1];
      if (port !== undefined) return port;
      const failure: Error | null =
        spawnError !== null
          ? (spawnError as NodeJS.ErrnoException).code === 'ENOENT'
            ? new NatsServerNotFoundError('nats-server is not on the PATH', { cause: spawnError })
            : new Error(`could not start nats-server: ${(spawnError as Error).message}`)
          : exited(child)
            ? new Error(
                `nats-server exited (${child.exitCode ?? child.signalCode}) before accepting connections: ${output}`,
              )
            : Date.now() > deadline
              ? new Error(
                  `nats-server did not listen for clients on ${HOST} within ${READY_TIMEOUT_MS} ms: ${output}`,
                )
              : null;
      if (failure !== null) {
        await stop();
        throw failure;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { server: `${HOST}:${await listening()}`, storeDir, stop };
};
