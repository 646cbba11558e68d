/**
 * The Lambda bundles' cost: for each handler, bundle size and cold module-load time (a fresh
 * `node` process importing the bundle, median of several runs) against a bare bundle of the AWS
 * SDK clients that handler uses, built with the same esbuild options in the same run. Then what
 * each library of ours adds: inversify, pino and valibot, bundled alone
 * (size and load) and as measured inside the query bundle by esbuild's metafile.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bundle,
  bundlePaths,
  FUNCTION_NAMES,
  type FunctionName,
  PACKAGE_DIR,
} from '../packages/handlers/scripts/bundle.js';
import { type BenchFigure, type BenchSuite, median } from './kit.js';

const RUNS = 7;
/** The SDK resolves from the AWS adapters' package, valibot from core's, the rest from handlers'. */
const AWS_DIR = join(PACKAGE_DIR, '..', 'adapters-aws');
const CORE_DIR = join(PACKAGE_DIR, '..', 'core');

const dynamoDb = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));`;
const kinesis = `import { KinesisClient } from '@aws-sdk/client-kinesis';
export const client = new KinesisClient({});`;
const cloudWatch = `import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
export const metricsClient = new CloudWatchClient({});`;

/** The bare SDK clients each function constructs: what it could not do without. */
const BARE_CLIENTS: Record<FunctionName, { readonly label: string; readonly contents: string }> = {
  ingest: { label: 'bare Kinesis client', contents: kinesis },
  process: { label: 'bare DynamoDB document client', contents: dynamoDb },
  query: { label: 'bare DynamoDB document client', contents: dynamoDb },
  diagnose: { label: 'bare DynamoDB + CloudWatch clients', contents: `${dynamoDb}\n${cloudWatch}` },
};

/** Each library alone, as a function would use it. */
const LIBRARIES = [
  {
    label: 'inversify',
    packages: ['inversify', '@inversifyjs/', 'reflect-metadata'],
    resolveDir: PACKAGE_DIR,
    contents: `import { Container } from 'inversify';
const container = new Container();
container.bind(Symbol.for('x')).toDynamicValue(() => 1);
export const value = container.get(Symbol.for('x'));`,
  },
  {
    label: 'pino',
    packages: [
      'pino',
      'pino-std-serializers',
      '@pinojs/',
      'sonic-boom',
      'thread-stream',
      'atomic-sleep',
      'on-exit-leak-free',
      'quick-format-unescaped',
      'safe-stable-stringify',
      'process-warning',
      'real-require',
      'fast-redact',
    ],
    resolveDir: PACKAGE_DIR,
    contents: `import { pino } from 'pino';
export const logger = pino({ level: 'silent' });`,
  },
  {
    label: 'valibot',
    packages: ['valibot'],
    resolveDir: CORE_DIR,
    contents: `import * as v from 'valibot';
export const schema = v.strictObject({ a: v.pipe(v.string(), v.regex(/^a/)), b: v.optional(v.number()) });`,
  },
];

const LOAD_ENV = {
  ...process.env,
  ACTIVITY_STREAM_NAME: 'activity-events',
  ACTIVITY_TABLE_NAME: 'activity-history',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds a fresh Node process takes to import the module (its own start-up excluded). */
const loadTime = (file: string): number => {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: LOAD_ENV,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
};

/** Median load times of several files, measured round-robin so machine noise hits all of them. */
const loadTimes = (files: readonly string[]): number[] => {
  const samples = files.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) {
    files.forEach((file, i) => {
      samples[i]!.push(loadTime(file));
    });
  }
  return samples.map((s) => median(s));
};

/** Bytes a bundle holds from the given packages, from esbuild's metafile. */
const bytesFrom = (
  metafile: Awaited<ReturnType<typeof bundle>>['metafile'],
  packages: readonly string[],
): number =>
  Object.values(metafile.outputs)
    .flatMap((output) => Object.entries(output.inputs))
    .filter(([path]) => packages.some((p) => path.includes(`/node_modules/${p}`)))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

const suite: BenchSuite = {
  name: 'handler bundles: size and cold load vs the bare AWS SDK clients they use',
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'handlers-bench-'));
    try {
      const handlers = await Promise.all(
        FUNCTION_NAMES.map(async (name) => {
          const subject = join(dir, name, 'index.mjs');
          const baseline = join(dir, `${name}-bare`, 'index.mjs');
          const [built, bare] = await Promise.all([
            bundle({ entryPoint: bundlePaths(name).entryPoint }, subject),
            bundle({ contents: BARE_CLIENTS[name].contents, resolveDir: AWS_DIR }, baseline),
          ]);
          return { name, subject, baseline, built, bare };
        }),
      );
      const libraries = await Promise.all(
        LIBRARIES.map(async (library, i) => {
          const file = join(dir, `library-${i}`, 'index.mjs');
          return { ...library, file, built: await bundle(library, file) };
        }),
      );
      // What importing any module costs (resolution, reading the file): subtracted from a
      // library's load so that its figure is what the library itself adds.
      const empty = join(dir, 'empty', 'index.mjs');
      await bundle({ contents: 'export const nothing = 0;', resolveDir: PACKAGE_DIR }, empty);
      const times = loadTimes([
        ...handlers.flatMap((h) => [h.subject, h.baseline]),
        ...libraries.map((l) => l.file),
        empty,
      ]);
      const emptyLoad = times.at(-1)!;
      const figures: BenchFigure[] = [];
      handlers.forEach((h, i) => {
        const label = BARE_CLIENTS[h.name].label;
        figures.push({
          subject: `${h.name} bundle size`,
          baseline: `${label} bundle`,
          subjectValue: h.built.bytes / 1024,
          baselineValue: h.bare.bytes / 1024,
          unit: 'KiB',
          goal: { max: 1.3 },
        });
        figures.push({
          subject: `${h.name} cold load`,
          baseline: `${label} cold load`,
          subjectValue: times[2 * i]!,
          baselineValue: times[2 * i + 1]!,
          unit: 'ms',
          goal: { max: 1.2 },
        });
      });
      const query = handlers.find((h) => h.name === 'query')!;
      const queryLoad = times[2 * FUNCTION_NAMES.indexOf('query') + 1]!;
      libraries.forEach((library, i) => {
        figures.push({
          subject: `${library.label} alone, size`,
          baseline: 'bare DynamoDB document client bundle',
          subjectValue: library.built.bytes / 1024,
          baselineValue: query.bare.bytes / 1024,
          unit: 'KiB',
          goal: {},
        });
        figures.push({
          subject: `${library.label} inside the query bundle`,
          baseline: 'bare DynamoDB document client bundle',
          subjectValue: bytesFrom(query.built.metafile, library.packages) / 1024,
          baselineValue: query.bare.bytes / 1024,
          unit: 'KiB',
          goal: {},
        });
        figures.push({
          subject: `${library.label}: cold load it adds (alone, minus an empty module's)`,
          baseline: 'bare DynamoDB document client cold load',
          subjectValue: Math.max(0, times[2 * handlers.length + i]! - emptyLoad),
          baselineValue: queryLoad,
          unit: 'ms',
          goal: {},
        });
      });
      return figures;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
