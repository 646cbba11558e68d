import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../../local/src/main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));

/** `pnpm start` as a child process, and what it printed. */
export interface LocalProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  exited(): Promise<number | NodeJS.Signals>;
}

/**
 * Runs local mode's entry point in its own process on a free port (with node directly, or through
 * `pnpm start` as a newcomer or a process manager would), with the given environment on top of this one, and waits until its start-up banner names its URL.
 */
export const startLocalProcess = async (
  env: Record<string, string>,
  how: 'node' | 'pnpm start' = 'node',
): Promise<LocalProcess> => {
  const options = {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
  };
  // The source condition, as `pnpm start` gives it: the workspace packages run from their sources, unbuilt.
  const child =
    how === 'node'
      ? spawn(process.execPath, ['--conditions=@activity-history/source', '--import', 'tsx', MAIN], options)
      : spawn('pnpm', ['start'], { ...options, cwd: REPO });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode did not start:\n${output}`)), 30_000);
    const look = () => {
      const match = /^API\s+(http:\/\/127\.0\.0\.1:\d+)\//m.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', look);
    exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`local mode exited at start-up:\n${output}`));
    });
  });
  return { url, child, output: () => output, exited: () => exit };
};
