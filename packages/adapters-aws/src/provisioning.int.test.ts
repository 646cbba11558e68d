import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorConfig, startDynalite, startKinesalite } from '@activity-history/aws-emulators';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbClients, createKinesisClient } from './aws-clients.js';
import { ensureStream, ensureTable } from './provisioning.js';

describe('provisioning on the emulators', () => {
  const folders: string[] = [];
  afterEach(async () => {
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });
  const dataFolder = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'activity-emulator-'));
    folders.push(folder);
    return folder;
  };

  it('dynalite listens on 127.0.0.1, keeps a table on disk across a restart, and stops twice safely', async () => {
    const path = await dataFolder();
    const first = await startDynalite({ path });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const before = createDynamoDbClients(emulatorConfig(first.endpoint)).client;
    await ensureTable(before, 'kept-table');
    before.destroy();
    await first.stop();
    await first.stop();

    const second = await startDynalite({ path });
    const after = createDynamoDbClients(emulatorConfig(second.endpoint)).client;
    try {
      expect((await after.send(new ListTablesCommand({}))).TableNames).toEqual(['kept-table']);
    } finally {
      after.destroy();
      await second.stop();
    }
  });

  it('kinesalite keeps a stream on disk across a restart', async () => {
    const path = await dataFolder();
    const first = await startKinesalite({ path });
    const before = createKinesisClient(emulatorConfig(first.endpoint));
    await ensureStream(before, 'kept-stream', { shardCount: 2 });
    before.destroy();
    await first.stop();

    const second = await startKinesalite({ path });
    const after = createKinesisClient(emulatorConfig(second.endpoint));
    try {
      expect((await after.send(new ListStreamsCommand({}))).StreamNames).toEqual(['kept-stream']);
    } finally {
      after.destroy();
      await second.stop();
    }
  });

  it('gives each emulator its own free port, and ensureTable is idempotent', async () => {
    const [a, b] = await Promise.all([startDynalite(), startDynalite()]);
    const client = createDynamoDbClients(emulatorConfig(a.endpoint)).client;
    try {
      expect(a.endpoint).not.toBe(b.endpoint);
      await ensureTable(client, 'twice');
      await ensureTable(client, 'twice');
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['twice']);
    } finally {
      client.destroy();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
