import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** The runtime's bin as a child process, and what it printed. */
export interface RuntimeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  exited(): Promise<number | NodeJS.Signals>;
}

/**
 * Runs `activity-history-runtime` from its sources in a process of its own (as a container would
 * run the bin), with `env` as its whole environment but for PATH, and waits for its "listening" line.
 */
export const startRuntimeProcess = async (env: Readonly<Record<string, string>>): Promise<RuntimeProcess> => {
  const child = spawn(process.execPath, ['--conditions=@activity-history/source', '--import', 'tsx', MAIN], {
    // At info: the test reads the "listening" and "stopped cleanly" lines.
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exit = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the runtime did not start:\n${output}`)), 60_000);
    const look = () => {
      const match = /"message":"listening on (http:\/\/[^"]+)"/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', look);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited at start-up:\n${output}`));
    });
  });
  return { url, child, output: () => output, exited: () => exit };
};
