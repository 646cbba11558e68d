import { type RunningNatsServer, startNatsServer } from '../nats-server.js';

/** One server shared by a test file's tests: started by the first that asks, stopped once. */
export interface SharedNatsServer {
  /** The running server, starting it on the first call. */
  get(): Promise<RunningNatsServer>;
  /** Stops the server if one was started (for `afterAll`). */
  stop(): Promise<void>;
}

/**
 * A server for a whole test file, started lazily: contract suites ask for it while collecting,
 * and a file whose tests never run starts none.
 *
 * @example
 * ```ts
 * const nats = sharedNatsServer();
 * afterAll(nats.stop);
 * describeEventStreamContract('JetStream', async () => jetStreamHarness(await nats.get()));
 * ```
 */
export const sharedNatsServer = (): SharedNatsServer => {
  let running: Promise<RunningNatsServer> | undefined;
  return {
    get: () => {
      running ??= startNatsServer();
      return running;
    },
    stop: async () => {
      await (await running)?.stop();
    },
  };
};
