import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@activity-history/handlers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/data-dir-lock.js';
import { startLocalPipeline } from '../src/local-pipeline.js';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory a running process holds, naming the directory and its pid', async () => {
    // Arrange: this test's own process is the running holder.
    const lock = await lockDataDir(dir);

    // Act
    const second = lockDataDir(dir, process.pid + 1);

    // Assert
    await expect(second).rejects.toThrow(
      `the data directory ${dir} is in use by another local mode (pid ${process.pid})`,
    );
    await lock.release();
    await expect(lockDataDir(dir)).resolves.toBeDefined();
  });

  it('takes over the pid file of a process that no longer runs', async () => {
    // Arrange: pid 2^22 + 1 is above Linux's largest pid, so nothing runs under it.
    await writeFile(join(dir, 'local-mode.pid'), `${2 ** 22 + 1}\n`);

    // Act
    await lockDataDir(dir);

    // Assert
    expect(await readFile(join(dir, 'local-mode.pid'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('makes a second local mode on the same directory fail in one line, before any emulator opens it', async () => {
    // Arrange
    const logger = createLogger({ level: 'silent' });
    const first = await startLocalPipeline({ backend: 'emulators', port: 0, dataDir: dir, logger, env: {} });
    try {
      // Act
      const second = startLocalPipeline({ backend: 'emulators', port: 0, dataDir: dir, logger, env: {} });

      // Assert
      await expect(second).rejects.toThrow(
        /^the data directory .* is in use by another local mode \(pid \d+\)/,
      );
    } finally {
      await first.close();
    }
    const third = await startLocalPipeline({ backend: 'emulators', port: 0, dataDir: dir, logger, env: {} });
    await third.close();
  });
});
