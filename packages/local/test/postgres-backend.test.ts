import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@activity-history/handlers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalPipeline } from '../src/local-pipeline.js';

const silent = createLogger({ level: 'silent' });

describe('the postgres backend without NATS_URL', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-no-nats-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops at start-up with one line saying how to get JetStream when nats-server is not installed', async () => {
    // Arrange: no nats-server on the PATH, as on a machine without the package.
    const path = process.env.PATH;
    process.env.PATH = '';
    let failure: unknown;
    try {
      // Act
      await startLocalPipeline({ backend: 'postgres', port: 0, dataDir, env: {}, logger: silent });
    } catch (error) {
      failure = error;
    } finally {
      process.env.PATH = path;
    }

    // Assert
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/NATS_URL=nats:\/\/.*apt-get install nats-server/);
    // Nothing is left holding the directory: the next start, with nats-server installed, can take it.
    expect(await readdir(dataDir)).not.toContain('local-mode.pid');
  });
});
