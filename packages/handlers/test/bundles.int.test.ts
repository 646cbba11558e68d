import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles } from '../scripts/build.js';
import { bundlePaths, FUNCTION_NAMES, type FunctionName } from '../scripts/bundle.js';
import type { Handlers } from '../src/index.js';
import { claimsOf, getUserRoute, httpApiEvent, kinesisEvent, postActivities } from './support/aws-events.js';
import { readStream, startEmulators } from './support/emulators.js';
import { expectDocumented } from './support/openapi-conformance.js';

/*
 * The built bundles, as Lambda runs them: built once here with the build script, imported from
 * dist/, and invoked against the emulators.
 */

let emulators: Awaited<ReturnType<typeof startEmulators>>;
let handlers: Handlers;

/** The source files that put code into a bundle (the metafile also lists files read then dropped). */
const packagesIn = async (name: FunctionName): Promise<string[]> => {
  const metafile = JSON.parse(
    await readFile(join(bundlePaths(name).outfile, '..', 'meta.json'), 'utf8'),
  ) as Metafile;
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).flatMap(([path, input]) => (input.bytesInOutput > 0 ? [path] : [])),
  );
};

beforeAll(async () => {
  await buildBundles();
  emulators = await startEmulators();
  const loaded = await Promise.all(
    FUNCTION_NAMES.map(async (name) => (await import(pathToFileURL(bundlePaths(name).outfile).href)).handler),
  );
  const [ingest, process, query, diagnose] = loaded;
  handlers = { ingest, process, query, diagnose };
}, 120_000);

afterAll(async () => {
  await emulators?.stop();
});

describe('the built bundles', () => {
  it('each contain only the AWS SDK clients their function uses', async () => {
    const has = async (name: FunctionName, client: string) =>
      (await packagesIn(name)).some((path) => path.includes(`@aws-sdk/${client}/`));
    expect(await has('ingest', 'client-kinesis')).toBe(true);
    expect(await has('ingest', 'client-dynamodb')).toBe(false);
    expect(await has('query', 'client-dynamodb')).toBe(true);
    expect(await has('query', 'client-kinesis')).toBe(false);
    expect(await has('query', 'client-cloudwatch')).toBe(false);
    expect(await has('process', 'client-kinesis')).toBe(false);
    expect(await has('diagnose', 'client-cloudwatch')).toBe(true);
    expect(await has('diagnose', 'client-kinesis')).toBe(false);
  });

  it('make no network call when imported: they only construct clients', async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      for (const name of FUNCTION_NAMES) {
        const script = `const m=await import(${JSON.stringify(pathToFileURL(bundlePaths(name).outfile).href)});if(typeof m.handler!=='function')process.exit(3);await new Promise((r)=>setTimeout(r,200));`;
        const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
            ACTIVITY_STREAM_NAME: 'activity-events',
            ACTIVITY_TABLE_NAME: 'activity-history',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          encoding: 'utf8',
        });
        expect(run.status, `${name}: ${run.stderr}`).toBe(0);
      }
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('fail at start-up, naming the variable, when a setting is missing', () => {
    const script = `await import(${JSON.stringify(pathToFileURL(bundlePaths('query').outfile).href)});`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('ACTIVITY_TABLE_NAME');
  });

  it('run the pipeline on the emulators: ingest, process, query, diagnose, health', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const event = {
      eventId: 'bundle-1',
      userId: 'u-b',
      type: 'track.played',
      occurredAt: `${today}T01:00:00Z`,
      quantity: 4,
    };
    const posted = await handlers.ingest(postActivities(event, { claims: claimsOf('u-b') }), {
      awsRequestId: 'r-1',
    });
    expect(posted.statusCode).toBe(202);
    expectDocumented('POST /activities', posted);
    const records = (await readStream(emulators.kinesisClient)).filter((r) => r.partitionKey === 'u-b');
    expect(await handlers.process(kinesisEvent(records))).toEqual({ batchItemFailures: [] });
    const history = await handlers.query(getUserRoute('activity', 'u-b', { claims: claimsOf('u-b') }));
    expect(expectDocumented('GET /users/{userId}/activity', history).totals).toMatchObject({
      count: 1,
      quantity: 4,
    });
    const admin = claimsOf('ops', ['activity/admin']);
    const diagnosis = await handlers.diagnose(getUserRoute('diagnosis', 'u-b', { claims: admin }));
    expect(expectDocumented('GET /users/{userId}/diagnosis', diagnosis).userId).toBe('u-b');
    const health = await handlers.diagnose(httpApiEvent({ method: 'GET', path: '/health', claims: admin }));
    expect(health.statusCode).toBe(200);
    expect((await handlers.query(getUserRoute('activity', 'u-b', { claims: null }))).statusCode).toBe(401);
  });
});
