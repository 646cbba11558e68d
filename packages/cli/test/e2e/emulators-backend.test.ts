import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynalite, startKinesalite } from '@activity-history/aws-emulators';
import { createLogger } from '@activity-history/handlers';
import { type LocalPipeline, startLocalPipeline } from '@activity-history/local';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventsOf,
  postEvents,
  quarantineReasons,
  readTotals,
  readTrace,
  yesterdayAt,
} from './support/api-client.js';

const VISIBLE_WITHIN = { timeout: 5_000, interval: 100 };

describe('local mode on the emulators backend (dynalite, kinesalite), through HTTP only', () => {
  let dataDir: string;
  let pipeline: LocalPipeline;
  const start = () =>
    startLocalPipeline({
      backend: 'emulators',
      port: 0,
      dataDir,
      logger: createLogger({ level: 'silent' }),
      env: {},
    });
  let tempDir: string;
  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'local-emulators-'));
    // As on a fresh clone: the data directory and its parent do not exist yet.
    dataDir = join(tempDir, 'not-yet', '.activity-history');
    pipeline = await start();
  });
  afterAll(async () => {
    await pipeline.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('makes posted events visible in GET within 5 s, duplicates counted once', async () => {
    const events = eventsOf('u-emu', 150);

    const posted = await postEvents(pipeline.url, [...events, events[0], events[1]]);
    await postEvents(pipeline.url, events.slice(0, 20));

    expect(posted.status).toBe(202);
    await expect
      .poll(() => readTotals(pipeline.url, 'u-emu'), VISIBLE_WITHIN)
      .toMatchObject({ count: 150, quantity: 300, quantityMicros: '300000000' });
  });

  it('shows conflicts and invalid records written straight to the stream in the diagnosis', async () => {
    const [original] = eventsOf('u-emu-bad', 1);
    await postEvents(pipeline.url, [original]);
    await expect
      .poll(() => readTotals(pipeline.url, 'u-emu-bad'), VISIBLE_WITHIN)
      .toMatchObject({ count: 1 });

    await postEvents(pipeline.url, [{ ...original!, quantity: 7 }]);
    await pipeline.backend.aws!.kinesis.send(
      new PutRecordsCommand({
        StreamName: pipeline.streamName,
        Records: [
          {
            PartitionKey: 'u-emu-bad',
            Data: new TextEncoder().encode(
              JSON.stringify({
                eventId: 'x-1',
                userId: 'u-emu-bad',
                type: 'track.played',
                occurredAt: yesterdayAt(),
                quantity: 0,
              }),
            ),
          },
          { PartitionKey: 'u-emu-bad', Data: new TextEncoder().encode('{"hello":') },
        ],
      }),
    );

    await expect
      .poll(() => quarantineReasons(pipeline.url, 'u-emu-bad'), VISIBLE_WITHIN)
      .toEqual(['malformed_record', 'invalid_event', 'conflict']);
    expect(await readTotals(pipeline.url, 'u-emu-bad')).toMatchObject({ count: 1, quantity: 2 });

    // The trace of the resent key, from DynamoDB: the stored version stands, the conflict is beside it.
    const conflicted = await readTrace(pipeline.url, 'u-emu-bad', 'e-0');
    expect(conflicted.stored?.event).toMatchObject({ eventId: 'e-0', quantity: 2 });
    expect(conflicted.quarantined).toMatchObject([{ reason: 'conflict', errors: [{ path: 'eventId' }] }]);
    expect(JSON.parse(conflicted.quarantined[0]!.payload)).toMatchObject({ quantity: 7 });
    expect(conflicted.counter).toMatchObject({ agrees: true, events: { count: 1, quantity: 2 } });
    expect(conflicted.logs).toBeNull();
    // The invalid one never counted: not stored, quarantined with the rule it broke.
    const invalid = await readTrace(pipeline.url, 'u-emu-bad', 'x-1');
    expect(invalid).toMatchObject({ stored: null, counter: null });
    expect(invalid.quarantined).toMatchObject([
      { reason: 'invalid_event', errors: [{ path: 'quantity' }], correlationId: null },
    ]);
  });

  it('keeps every event and counter across a restart on the same data directory', async () => {
    const before = await readTotals(pipeline.url, 'u-emu');

    await pipeline.close();
    pipeline = await start();

    expect(await readTotals(pipeline.url, 'u-emu')).toEqual(before);
    expect(await quarantineReasons(pipeline.url, 'u-emu-bad')).toEqual([
      'malformed_record',
      'invalid_event',
      'conflict',
    ]);
    const more = eventsOf('u-emu', 10, 'after-restart');
    await postEvents(pipeline.url, more);
    await expect
      .poll(() => readTotals(pipeline.url, 'u-emu'), VISIBLE_WITHIN)
      .toMatchObject({ count: 160, quantity: 320 });
  });
});

describe('local mode on endpoints named by the SDK variables (LocalStack, own emulators, an account)', () => {
  it('uses them instead of starting emulators, creating the table and stream it needs', async () => {
    const [dynamo, kinesis] = await Promise.all([startDynalite(), startKinesalite()]);
    const credentials = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const saved = { ...process.env };
    // The SDK takes credentials from the process environment, as it would for a real account.
    Object.assign(process.env, credentials);
    const dataDir = await mkdtemp(join(tmpdir(), 'local-endpoints-'));
    const pipeline = await startLocalPipeline({
      backend: 'emulators',
      port: 0,
      dataDir,
      tableName: 'mine',
      streamName: 'my-events',
      logger: createLogger({ level: 'silent' }),
      env: {
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
        AWS_REGION: 'eu-west-1',
      },
    });
    try {
      await postEvents(pipeline.url, eventsOf('u-ext', 5));

      await expect.poll(() => readTotals(pipeline.url, 'u-ext'), VISIBLE_WITHIN).toMatchObject({ count: 5 });
      expect(pipeline.backend.kind).toBe('endpoints');
      expect(pipeline.backend.where.join('\n')).toContain(`${dynamo.endpoint} (from the environment)`);
      expect(pipeline.backend.where.join('\n')).toContain(`${kinesis.endpoint} (from the environment)`);
      expect(await readdir(dataDir)).not.toContain('dynamodb');
    } finally {
      await pipeline.close();
      await Promise.all([dynamo.stop(), kinesis.stop()]);
      process.env = saved;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
