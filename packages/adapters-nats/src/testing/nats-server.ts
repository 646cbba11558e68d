import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;

/** A nats-server with JetStream, started by {@link startNatsServer}. */
export interface RunningNatsServer {
  /** `127.0.0.1:<port>`, for `connect({ servers })`. */
  readonly server: string;
  /** Stops the server and deletes its store directory. */
  stop(): Promise<void>;
}

/** The line nats-server logs once it listens for clients, with the port it chose. */
const LISTENING = /Listening for client connections on [^\s]+:(\d+)/;

const children = new Set<ChildProcess>();
// A test runner that exits without calling stop() must not leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Starts `nats-server -js` on 127.0.0.1 and a free port, its JetStream store in a fresh temporary
 * directory, and waits until it accepts connections. The binary comes from the system (Debian's
 * `nats-server`; the tests' global setup installs it or stops with the install line).
 *
 * @example
 * ```ts
 * const nats = await startNatsServer();
 * const nc = await connect({ servers: nats.server });
 * await nats.stop();
 * ```
 */
export const startNatsServer = async (): Promise<RunningNatsServer> => {
  const storeDir = await mkdtemp(join(tmpdir(), 'nats-js-'));
  // `-p -1`: the server picks a free port itself and logs it, so no port is reserved and then raced for.
  const child = spawn('nats-server', ['-js', '-a', HOST, '-p', '-1', '-sd', storeDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | null = null;
  child.once('error', (error) => {
    spawnError = error;
  });

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited(child)) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      children.delete(child);
      await rm(storeDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  /** The port, once the server logs that it listens; a failure to start stops it and throws. */
  const listening = async (): Promise<string> => {
    for (;;) {
      const port = LISTENING.exec(output)?.[1];
      if (port !== undefined) return port;
      const failure =
        spawnError !== null
          ? `could not start nats-server: ${(spawnError as Error).message}`
          : exited(child)
            ? `nats-server exited (${child.exitCode ?? child.signalCode}) before accepting connections: ${output}`
            : Date.now() > deadline
              ? `nats-server did not listen for clients on ${HOST} within ${READY_TIMEOUT_MS} ms: ${output}`
              : null;
      if (failure !== null) {
        await stop();
        throw new Error(failure);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { server: `${HOST}:${await listening()}`, stop };
};
