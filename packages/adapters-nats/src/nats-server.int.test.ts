import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NatsServerNotFoundError, startNatsServer } from './nats-server.js';
import { ensureJetStream } from './provisioning.js';

const streamNames = async (server: string): Promise<string[]> => {
  const connection = await connect({ servers: server });
  try {
    const names: string[] = [];
    for await (const name of (await jetstreamManager(connection)).streams.names()) names.push(name);
    return names;
  } finally {
    await connection.close();
  }
};

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startNatsServer with a store directory', () => {
  let storeDir: string;
  beforeEach(async () => {
    storeDir = join(await mkdtemp(join(tmpdir(), 'nats-kept-')), 'nats');
  });
  afterEach(async () => {
    await rm(join(storeDir, '..'), { recursive: true, force: true });
  });

  it('keeps the streams in it across a stop and a start', async () => {
    // Arrange
    const first = await startNatsServer({ storeDir });
    const connection = await connect({ servers: first.server });
    await ensureJetStream(await jetstreamManager(connection), {
      name: 'kept',
      subjects: ['kept.*'],
      duplicateWindowMs: 60_000,
    });
    await connection.close();

    // Act
    await first.stop();
    const second = await startNatsServer({ storeDir });

    // Assert
    try {
      expect(await streamNames(second.server)).toEqual(['kept']);
      expect((await stat(storeDir)).isDirectory()).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('stops a server its owner left running on the store before starting its own', async () => {
    // Arrange: a server whose owner never stops it, as after the owner was killed with SIGKILL.
    await startNatsServer({ storeDir });
    const leftover = Number.parseInt(await readFile(join(storeDir, 'nats-server.pid'), 'utf8'), 10);

    // Act
    const next = await startNatsServer({ storeDir });

    // Assert
    try {
      expect(running(leftover)).toBe(false);
      expect(Number.parseInt(await readFile(join(storeDir, 'nats-server.pid'), 'utf8'), 10)).not.toBe(
        leftover,
      );
    } finally {
      await next.stop();
    }
  });
});

describe('startNatsServer without nats-server on the PATH', () => {
  it('throws NatsServerNotFoundError', async () => {
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      await expect(startNatsServer()).rejects.toBeInstanceOf(NatsServerNotFoundError);
    } finally {
      process.env.PATH = path;
    }
  });
});
