import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A data directory held by this process until `release`. */
export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'local-mode.pid';

/** Whether a process of that pid runs (one of another user's answers EPERM: it runs too). */
const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * Takes a data directory for this process by creating `local-mode.pid` in it, holding the pid.
 * The emulators' LevelDB stores allow one process per directory and fail with a raw `LOCK` stack
 * trace; this says in one line who holds it instead. A pid file left by a process that no longer
 * runs (killed with SIGKILL) is taken over.
 *
 * @example
 * ```ts
 * const lock = await lockDataDir('.activity-history');
 * await lock.release();
 * ```
 */
export const lockDataDir = async (dataDir: string, pid: number = process.pid): Promise<DataDirLock> => {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if (code(error) !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && running(holder)) {
      throw new Error(
        `the data directory ${dataDir} is in use by another local mode (pid ${holder}): stop it, or set ` +
          'ACTIVITY_DATA_DIR to another directory',
      );
    }
    await rm(file, { force: true });
  }
};
